const numbers = process.argv.slice(2).map(Number);
if (numbers.length === 0) {
  console.log("no numbers");
  process.exit(1);
}
const total = numbers.reduce((sum, n) => sum + n, 0);
console.log((total / numbers.length).toFixed(2));
