// The few Mocha globals the browser tests use (web-test-runner runs Mocha; @types/mocha is not a
// dependency of the workspace, and these are all the suites need).
declare function describe(title: string, fn: () => void): void;
declare function it(
  title: string,
  fn: (this: { timeout(ms: number): void }) => void | Promise<unknown>,
): void;
declare function beforeEach(fn: () => void | Promise<unknown>): void;
declare function afterEach(fn: () => void | Promise<unknown>): void;
