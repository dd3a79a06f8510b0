// Tests read answers, not log lines: the logger is silent unless LOG_LEVEL asks for more.
// Runs before each test file loads any module (jest setupFiles), so the root logger sees it.
process.env.LOG_LEVEL ??= 'silent';
