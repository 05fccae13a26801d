const input = require("fs").readFileSync(0, "utf8");

const name = input.trim();
console.log(`Hello, ${name}!`);
