const input = require("fs").readFileSync(0, "utf8");

const [count, ...rest] = input.trim().split(/\s+/).map(Number);
let total = 0;
for (let i = 0; i < count; i++) {
  total += rest[i];
}
console.log(total);
