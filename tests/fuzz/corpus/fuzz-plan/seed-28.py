"""Money as a whole number of cents in one currency."""


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


class Money:
    __slots__ = ("cents", "currency")

    def __init__(self, cents, currency="EUR"):
        if not isinstance(cents, int) or isinstance(cents, bool):
            raise TypeError(f"cents must be an int, not {type(cents).__name__}")
        self.cents = cents
        self.currency = currency

    @classmethod
    def parse(cls, text, currency="EUR"):
        """Read '12', '12.5', '12.50' or '-0.05'; at most two decimals."""
        text = text.strip()
        sign = 1
        if text.startswith("-"):
            sign = -1
            text = text[1:]
        whole, _, frac = text.partition(".")
        if not whole.isdigit() or len(frac) > 2 or (frac and not frac.isdigit()):
            raise ValueError(f"not an amount: {text!r}")
        cents = int(whole) * 100 + int(frac.ljust(2, "0"))
        return cls(sign * cents, currency)

    def __str__(self):
        sign = "-" if self.cents < 0 else ""
        whole, cents = divmod(abs(self.cents), 100)
        return f"{sign}{whole}.{cents:02d} {self.currency}"

    def __repr__(self):
        return f"Money({self.cents}, {self.currency!r})"

    def _same_currency(self, other):
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency}")

    def __add__(self, other):
        self._same_currency(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other):
        self._same_currency(other)
        return Money(self.cents - other.cents, self.currency)

    def __mul__(self, quantity):
        return Money(self.cents * quantity, self.currency)

    __rmul__ = __mul__

    def __eq__(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        return self.cents == other.cents and self.currency == other.currency

    def __lt__(self, other):
        self._same_currency(other)
        return self.cents < other.cents

    def __hash__(self):
        return hash((self.cents, self.currency))

    def percent(self, pct):
        """pct percent of this amount, rounded half away from zero."""
        scaled = abs(self.cents) * pct
        cents = (scaled + 50) // 100
        return Money(-cents if self.cents < 0 else cents, self.currency)

    def allocate(self, parts):
        """Split into parts amounts that differ by at most a cent and add up exactly."""
        if parts < 1:
            raise ValueError("parts must be at least 1")
        share, rest = divmod(self.cents, parts)
        return [Money(share + 1 if i < rest else share, self.currency)
                for i in range(parts)]
