#!/bin/sh
# cr-report --format html: one self-contained file that Chromium renders
# offline, with the file tree, the mutation score and a survivor's diff; a
# screenshot of it is kept beside the test's log.
. "$CR_SRCDIR/tests/e2e/lib.sh"

CHROMIUM=$(command -v chromium) || fail "no chromium (Debian package chromium)"

P=$(fixture calc)
cd "$P" || exit 99
plan_unittest "$T/s"
make -s -f "$T/s/Makefile" -j2 >/dev/null 2>&1 || fail "make failed"
"$CR_REPORT" --json --all "$T/s" >"$T/all.json" || fail "cr-report --json failed"
"$CR_REPORT" --format html -o "$T/report.html" "$T/s" || fail "cr-report --format html failed"

# Self-contained: no script, style sheet or image from elsewhere.
grep -Eiq '<(script|link|img)[^>]+(src|href)=' "$T/report.html" &&
	fail "the page loads something: $(grep -Eio '<(script|link|img)[^>]+(src|href)=[^>]*' "$T/report.html" | head -3)"

mkdir "$T/profile" || exit 99
"$PY" - "$CR_SRCDIR/tests/e2e" "$CHROMIUM" "$T/profile" "$T/report.html" "$T/all.json" \
    "$CR_BUILDDIR/tests/e2e/t0027-html-report.png" <<'PY' || fail "the HTML report: $(tail -5 "$T/chromium.log")"
import base64, json, sys
sys.path.insert(0, sys.argv[1])
from browser import Browser
chromium, profile, page, mine, shot = sys.argv[2:7]
mine = json.load(open(mine))
c = mine["counts"]
d = c["killed"] + c["timeout"]
score = 100.0 * d / (d + c["survived"] + c["no-coverage"])
survivor = next(m for m in mine["survivors"] if m["replacement"].strip())

# Every element, shadow roots included, and the text of those that hold
# only text.
DEEP = """
function crAll(root, out) {
  out = out || [];
  for (const e of root.querySelectorAll('*')) {
    out.push(e);
    if (e.shadowRoot) crAll(e.shadowRoot, out);
  }
  return out;
}
function crText() {
  return crAll(document).filter(e => !e.children.length && e.tagName !== 'SCRIPT' &&
    e.tagName !== 'STYLE').map(e => e.textContent.trim()).join('\\n');
}
"""
# A click on the survivor in the code, which selects it.
SELECT = """(() => {
  const m = crAll(document).find(e => e.dataset && e.dataset.mutantId === %s);
  m.dispatchEvent(new MouseEvent('click', {bubbles: true, composed: true}));
  return true;
})()"""
# The diff shown for the selected mutant: the original line and the mutated one.
DIFF = """(() => {
  const row = c => crAll(document).find(e => e.tagName === 'TR' && e.classList.contains(c));
  const o = row('diff-old'), n = row('diff-new');
  return o && n && [o.textContent, n.textContent];
})()"""
# The mutant's panel: its operator and status.
DRAWER = """(() => {
  const d = crAll(document).find(e => e.tagName === 'MTE-DRAWER-MUTANT');
  return d && (d.shadowRoot || d).textContent.replace(/\\s+/g, ' ');
})()"""
b = Browser(chromium, profile)
try:
    s = b.open("file://" + page)
    b.evaluate(s, DEEP)
    # The component took the report: the file tree with the file, and the score.
    b.until(s, "crText().includes('calc.py')")
    text = b.evaluate(s, "crText()")
    assert "%.2f" % score in text, ("score %.2f" % score, text[:2000])
    # The file's page, and the survivor's diff once it is selected.
    b.evaluate(s, "location.hash = '#mutant/calc.py'")
    b.until(s, "crAll(document).some(e => e.tagName === 'MTE-FILE')")
    b.evaluate(s, SELECT % json.dumps(survivor["id"]))
    old, new = b.until(s, DIFF)
    assert survivor["replacement"].strip() in new and new != old, (survivor, old, new)
    drawer = b.until(s, DRAWER)
    where = "(%d:%d)" % (survivor["line"], survivor["col"] + 1)
    assert survivor["operator"] + " Survived " + where in drawer, (survivor, drawer)
    png = b.send("Page.captureScreenshot", {"format": "png"}, session=s)["data"]
    open(shot, "wb").write(base64.b64decode(png))
    # Nothing came from the network: the page and data URIs only.
    others = [u for u in b.requests() if not u.startswith(("file://", "data:", "about:"))]
    assert not others, others
finally:
    b.close()
PY
exit 0
