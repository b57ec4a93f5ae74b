// Measurements for tests/browser/test_layout.py, run in the page. Each returns
// a list of readable problems; an empty list means the page is fine.
({
  describe(element) {
    const name = element.tagName.toLowerCase();
    const classes = String(element.className || "").trim().replace(/ +/g, ".");
    const text = (element.textContent || element.name || "").trim().replace(/\s+/g, " ");
    return `${name}${classes ? "." + classes : ""} "${text.slice(0, 40)}"`;
  },

  hasOwnText(element) {
    return [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  },

  isShown(element) {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== "hidden";
  },

  // Elements that reach past the right edge, when the page scrolls sideways.
  overflowing() {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .map((e) => this.describe(e))
      .slice(0, 8);
  },

  // What a finger has to hit: buttons, form controls, radios with their
  // labels, navigation links, and links with no words beside them (a link in
  // running text is exempt, as in WCAG 2.5.8). Links need the height; short
  // ones ("Edit") need 24px of width.
  smallTargets(minimum) {
    const controls = "button, .button, select, textarea, "
      + "input:not([type=hidden]):not([type=radio]):not([type=checkbox])";
    const choices = [...document.querySelectorAll("input[type=radio], input[type=checkbox]")]
      .map((i) => i.closest("label") || document.querySelector(`label[for="${i.id}"]`));
    const navigation = "nav a, .site-footer a, .leave-quickly a, summary";
    const standAlone = [...document.querySelectorAll("main a")]
      .filter((a) => !this.hasOwnText(a.parentElement));
    const targets = new Set([
      ...document.querySelectorAll(controls),
      ...choices,
      ...document.querySelectorAll(navigation),
      ...standAlone,
    ]);
    return [...targets]
      .filter((e) => e && this.isShown(e) && !e.closest(".skip-link, .visually-hidden"))
      .flatMap((e) => {
        const box = e.getBoundingClientRect();
        const wide = e.matches("a") ? 24 : minimum;
        if (box.height >= minimum - 0.5 && box.width >= wide - 0.5) return [];
        return [`${this.describe(e)} is ${Math.round(box.width)}x${Math.round(box.height)}`];
      });
  },

  // Text of `selector` (outside `exempt`) set smaller than `minimum` px.
  smallText([minimum, selector, exempt]) {
    return [...document.querySelectorAll(selector)].flatMap((e) => {
      if (exempt && e.closest(exempt)) return [];
      if (e.closest(".visually-hidden, [hidden]") || !this.hasOwnText(e) || !this.isShown(e)) {
        return [];
      }
      const size = parseFloat(getComputedStyle(e).fontSize);
      return size < minimum - 0.01 ? [`${this.describe(e)} is ${size}px`] : [];
    });
  },

  // Characters a line: the text's width over the width of an average
  // character of English set in the paragraph's own font.
  longLines(maximum) {
    const sample = document.createElement("span");
    sample.textContent = "Take your time. Everything you write is kept safe, and only you can read it.";
    sample.style.whiteSpace = "nowrap";
    return [...document.querySelectorAll("main p, main li, main dd")].flatMap((p) => {
      if (!this.hasOwnText(p) || !this.isShown(p)) return [];
      p.appendChild(sample);
      const perCharacter = sample.getBoundingClientRect().width / sample.textContent.length;
      sample.remove();
      const style = getComputedStyle(p);
      const width = p.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const characters = Math.round(width / perCharacter);
      return characters > maximum ? [`${this.describe(p)} holds ${characters} characters a line`] : [];
    });
  },

  // Anything that animates or eases, and smooth scrolling.
  moving() {
    const longest = (value) => Math.max(
      ...value.split(",").map((v) => parseFloat(v) * (v.trim().endsWith("ms") ? 1 : 1000)),
    );
    const found = [...document.querySelectorAll("*")].flatMap((e) => {
      const style = getComputedStyle(e);
      const animated = style.animationName !== "none" && longest(style.animationDuration) > 1;
      const eased = longest(style.transitionDuration) > 1;
      return animated || eased ? [this.describe(e)] : [];
    });
    if (getComputedStyle(document.documentElement).scrollBehavior === "smooth") {
      found.push("html scrolls smoothly");
    }
    return found;
  },

  // Which of these selectors still take room on the page.
  shown(selectors) {
    return selectors.filter((s) => [...document.querySelectorAll(s)].some((e) => this.isShown(e)));
  },

  // The focused element, its name, and whether its focus indicator can be
  // seen: an outline or a shadow with 3:1 contrast against what is around it
  // (the page behind, or the element's own border), inside the viewport.
  focused() {
    const element = document.activeElement;
    if (!element || element === document.body) return { name: "", visible: false, why: "nothing has focus" };
    const rgb = (text) => [...text.matchAll(/rgba?\(([^)]+)\)/g)]
      .map((m) => m[1].split(/[ ,\/]+/).filter(Boolean).map(Number))
      .filter((c) => c.length < 4 || c[3] > 0.5);
    const luminance = ([r, g, b]) => {
      const [R, G, B] = [r, g, b].map((v) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    const contrast = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    let behind = [255, 255, 255];
    for (let e = element.parentElement; e; e = e.parentElement) {
      const found = rgb(getComputedStyle(e).backgroundColor);
      if (found.length) { behind = found[0]; break; }
    }
    const style = getComputedStyle(element);
    const indicators = [];
    if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
      indicators.push(...rgb(style.outlineColor));
    }
    if (style.boxShadow !== "none") indicators.push(...rgb(style.boxShadow));
    const around = [behind, ...rgb(style.borderTopColor)];
    const best = Math.max(0, ...indicators.flatMap((i) => around.map((a) => contrast(i, a))));
    const box = element.getBoundingClientRect();
    const inView = box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
    const label = element.labels && element.labels.length ? element.labels[0].textContent : "";
    const name = (element.getAttribute("aria-label") || label || element.textContent || element.value || "")
      .trim().replace(/\s+/g, " ");
    return {
      name,
      description: this.describe(element),
      focusVisible: element.matches(":focus-visible"),
      contrast: Math.round(best * 100) / 100,
      inView,
      visible: element.matches(":focus-visible") && best >= 3 && inView,
    };
  },

  colours() {
    const style = getComputedStyle(document.body);
    return [style.backgroundColor, style.color];
  },
})
