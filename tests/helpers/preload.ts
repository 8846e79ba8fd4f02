// Fails the test run on an unhandled promise rejection instead of letting it pass silently.
process.on('unhandledRejection', (reason) => {
  console.error('unhandled rejection in test run:', reason);
  process.exitCode = 1;
});
