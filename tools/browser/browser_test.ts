import assert from "node:assert/strict";
import { screenshotCli } from "./browser.ts";

Deno.test("report:screenshot: a report that is not there is bad input, named, before Chromium starts", async () => {
  const lines: string[] = [];
  const code = await screenshotCli(["no/such/report.html", "out.png"], {
    err: (l) => lines.push(l),
  });
  assert.equal(code, 2);
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /^report:screenshot: no file no\/such\/report\.html \(give the path of a report\.html/,
  );
});
