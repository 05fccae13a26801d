const input = require("fs").readFileSync(0, "utf8");

const numbers = input.trim().split(/\s+/).map(Number);
console.log(Math.max(...numbers));
