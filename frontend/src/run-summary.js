// The one-line summary above a run's results.

// A build that failed ran no test: it reads as a compile error, not as tests that failed.
export function summaryText(submission, result) {
  if (result.status === "compile_error") return "Your code does not compile: see the error below.";
  const counts = `(${submission.tests_passed}/${submission.tests_total})`;
  return submission.passed ? `All tests passed! ${counts}` : `Some tests failed. ${counts}`;
}
