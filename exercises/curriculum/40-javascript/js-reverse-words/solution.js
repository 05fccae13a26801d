const input = require("fs").readFileSync(0, "utf8");

console.log(input.trim().split(/\s+/).reverse().join(" "));
