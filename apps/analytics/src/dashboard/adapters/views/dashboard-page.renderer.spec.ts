import { DashboardPages } from './dashboard-page.renderer';

describe('DashboardPages', () => {
  const pages = new DashboardPages();
  const html = pages.render();

  it('declares its language, labels every control and loads only its own assets', () => {
    expect(html).toContain('<html lang="en">');
    for (const id of ['token', 'business', 'from', 'to', 'granularity']) expect(html).toContain(`<label for="${id}">`);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('<script src="/dashboard/assets/dashboard.js" defer></script>');
    expect(html).not.toMatch(/<script>(?!<)/);
    expect(html).not.toMatch(/\son\w+="/); // no inline handlers (CSP)
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('hands the script its texts as inert JSON', () => {
    const json = /<script type="application\/json" id="dashboard-texts">(.*)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(json!)).toMatchObject({ suppressed: 'suppressed' });
    expect(json).not.toContain('<');
  });
});
