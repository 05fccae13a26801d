const input = require("fs").readFileSync(0, "utf8");

// Your code here
