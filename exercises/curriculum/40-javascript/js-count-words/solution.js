const input = require("fs").readFileSync(0, "utf8");

const text = input.trim();
console.log(text === "" ? 0 : text.split(/\s+/).length);
