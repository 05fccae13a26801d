"""Reference solutions translated into the site's other languages, the way a model writes them
when asked for "the same thing in JavaScript" (or Java, or C): bench/guard_eval.py's
other-language shape. Written for this project; each follows its exercise's reference line by
line, as a translation does.
"""

TRANSLATIONS: dict[str, list[tuple[str, str]]] = {
    "roman-numerals": [
        (
            "javascript",
            """function toRoman(number) {
  if (!(1 <= number && number <= 3999)) {
    throw new Error("number must be between 1 and 3999");
  }
  const SYMBOLS = [[1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"],
    [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"]];
  const parts = [];
  for (const [value, symbols] of SYMBOLS) {
    const count = Math.floor(number / value);
    number = number % value;
    parts.push(symbols.repeat(count));
  }
  return parts.join("");
}
""",
        ),
        (
            "java",
            """static String toRoman(int number) {
    if (!(1 <= number && number <= 3999)) {
        throw new IllegalArgumentException("number must be between 1 and 3999");
    }
    int[] values = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    String[] symbols = {"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"};
    StringBuilder parts = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
        int count = number / values[i];
        number = number % values[i];
        parts.append(symbols[i].repeat(count));
    }
    return parts.toString();
}
""",
        ),
    ],
    "tick-tock-boom": [
        (
            "javascript",
            """const RULES = [[3, "Tick"], [5, "Tock"], [7, "Boom"]];

function tickTockBoom(limit) {
  const said = [];
  for (let number = 1; number < limit + 1; number++) {
    let word = "";
    for (const [divisor, sound] of RULES) {
      if (number % divisor === 0) {
        word += sound;
      }
    }
    said.push(word || String(number));
  }
  return said;
}
""",
        ),
    ],
    "letter-grade": [
        (
            "javascript",
            """function letterGrade(score) {
  if (score < 0 || score > 100) {
    throw new Error("score must be between 0 and 100");
  }
  if (score >= 90) {
    return "A";
  }
  if (score < 60) {
    return "F";
  }
  let letter;
  if (score >= 80) {
    letter = "B";
  } else if (score >= 70) {
    letter = "C";
  } else {
    letter = "D";
  }
  if (score % 10 >= 7) {
    letter += "+";
  }
  return letter;
}
""",
        ),
        (
            "c",
            """const char *letter_grade(int score, char *out) {
    if (score < 0 || score > 100) {
        return NULL;
    }
    if (score >= 90) {
        return "A";
    }
    if (score < 60) {
        return "F";
    }
    if (score >= 80) {
        out[0] = 'B';
    } else if (score >= 70) {
        out[0] = 'C';
    } else {
        out[0] = 'D';
    }
    out[1] = score % 10 >= 7 ? '+' : '\\\\0';
    out[2] = '\\\\0';
    return out;
}
""",
        ),
    ],
    "password-strength": [
        (
            "javascript",
            """function passwordStrength(password) {
  if (password.length < 8) {
    return "weak";
  }
  let hasLower = false, hasUpper = false, hasDigit = false, hasOther = false;
  for (const char of password) {
    if (char >= "a" && char <= "z") {
      hasLower = true;
    } else if (char >= "A" && char <= "Z") {
      hasUpper = true;
    } else if ("0123456789".includes(char)) {
      hasDigit = true;
    } else {
      hasOther = true;
    }
  }
  const kinds = [hasLower, hasUpper, hasDigit, hasOther].filter(Boolean).length;
  if (kinds === 4) {
    return "strong";
  }
  if (kinds >= 2) {
    return "medium";
  }
  return "weak";
}
""",
        ),
    ],
}
