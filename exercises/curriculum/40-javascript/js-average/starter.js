const args = process.argv.slice(2);

// Your code here
