"""The stock level of one item: on hand, reserved for orders, and reordering."""


class OutOfStock(Exception):
    """A reservation asked for more than is available."""


class StockLevel:
    def __init__(self, sku, on_hand=0, reorder_point=0, reorder_target=0):
        if on_hand < 0 or reorder_point < 0:
            raise ValueError(f"{sku}: negative stock figures")
        if reorder_target and reorder_target < reorder_point:
            raise ValueError(f"{sku}: reorder target below reorder point")
        self.sku = sku
        self.on_hand = on_hand
        self.reserved = 0
        self.reorder_point = reorder_point
        self.reorder_target = reorder_target

    def __repr__(self):
        return (f"StockLevel({self.sku!r}, on_hand={self.on_hand}, "
                f"reserved={self.reserved})")

    def __eq__(self, other):
        if not isinstance(other, StockLevel):
            return NotImplemented
        return self._key() == other._key()

    def _key(self):
        return (self.sku, self.on_hand, self.reserved, self.reorder_point,
                self.reorder_target)

    @property
    def available(self):
        return self.on_hand - self.reserved

    def receive(self, quantity):
        if quantity <= 0:
            raise ValueError(f"{self.sku}: nothing to receive")
        self.on_hand += quantity

    def reserve(self, quantity):
        if quantity > self.available:
            raise OutOfStock(f"{self.sku}: {quantity} wanted, {self.available} available")
        self.reserved += quantity

    def release(self, quantity):
        self.reserved -= min(quantity, self.reserved)

    def ship(self, quantity):
        """Send reserved items: they leave both the reservation and the shelf."""
        if quantity > self.reserved:
            raise ValueError(f"{self.sku}: only {self.reserved} reserved")
        self.reserved -= quantity
        self.on_hand -= quantity

    def needs_reorder(self):
        return self.available <= self.reorder_point

    def reorder_quantity(self):
        if not self.needs_reorder():
            return 0
        target = self.reorder_target or self.reorder_point + 1
        return target - self.available
