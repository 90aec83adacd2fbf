/** Run-file and catalog text made safe for hovers, reports, CodeLens titles and quick picks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeSpan, escapeMarkdown, markdownValue, plainLabel } from '../../src/extension/markdownText';

test('escaped text keeps its characters but loses links, images, HTML and autolinks', () => {
  const hostile = '[click](https://evil.example) ![p](http://e/p.png) <img src=x> mail a@b.co www.x.org *b* `c`\n# h';
  const md = escapeMarkdown(hostile);
  assert.doesNotMatch(md, /(^|[^\\])\]\(/);
  assert.doesNotMatch(md, /(^|[^\\])<img/);
  assert.doesNotMatch(md, /(^|[^\\])(https?:|www\.)/);
  assert.doesNotMatch(md, /\n/);
  // Un-escaping gives the text back (newline as a space).
  assert.equal(md.replace(/\\(.)/g, '$1'), hostile.replace('\n', ' '));
  assert.equal(escapeMarkdown('20261129-031333-fa22'), '20261129-031333-fa22');
});

test('any value, as a crafted file may hold, becomes escaped text', () => {
  assert.equal(markdownValue(['<b>', 1]), '\\[\\"\\<b\\>\\",1\\]');
  assert.equal(markdownValue(null), 'null');
});

test('a code span cannot be broken out of by backticks in the text', () => {
  assert.equal(codeSpan('a1'), '`a1`');
  assert.equal(codeSpan('x`y'), '``x`y``');
  assert.equal(codeSpan('a``b`'), '``` a``b` ```');
});

test('labels render no icons and stay on one line', () => {
  assert.equal(plainLabel('$(alert) run\nid'), '$\u200b(alert) run id');
});
