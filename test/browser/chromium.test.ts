// The browser tests need Debian's Chromium. When it is missing they fail (never skip), and this test says how to
// install it, so that a test report counts the problem as a failure with the fix in its message.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CHROMIUM, requireChromium } from "./support.js";

describe("the browser for the browser tests", () => {
  it(`Chromium is installed at ${CHROMIUM} (scripts/setup-browser.sh installs Debian's chromium package)`, async () => {
    requireChromium();
    const { stdout } = await promisify(execFile)(CHROMIUM, ["--version"]);
    expect(stdout).toMatch(/Chromium \d+/);
  });
});
