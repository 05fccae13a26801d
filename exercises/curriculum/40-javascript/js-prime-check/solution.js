const input = require("fs").readFileSync(0, "utf8");

function isPrime(n) {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) {
    if (n % d === 0) return false;
  }
  return true;
}

for (const word of input.trim().split(/\s+/)) {
  if (word !== "") console.log(isPrime(Number(word)) ? "prime" : "not prime");
}
