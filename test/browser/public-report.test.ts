import sharp from 'sharp';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * A member of the public on a phone, in Romanian: reports a situation with a photo without an
 * account (the browser solves the proof of work), gets a receipt code once, checks it and adds to
 * the report; the hub's analysts then read the report through the API.
 */
describe('the public report page on a phone', () => {
  const browser = consoleHarness();
  const { newPage, shot, cspViolations } = browser;
  const STORY = 'Am văzut trei femei aduse cu un microbuz la o spălătorie auto din Leicester; nu au voie să iasă singure și un bărbat le ține pașapoartele.';

  /** A photo as a phone makes it: a JPEG with its GPS position and the phone's make and model. */
  const photo = () =>
    sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 120, b: 200 } } })
      .jpeg()
      .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Phone 12' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 38/1 0/1' } })
      .toBuffer();

  it('a person reports in Romanian with a photo, keeps the receipt code shown once, checks it and adds to it', async () => {
    const { page } = await newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const signedIn: string[] = [];
    page.on('request', (r) => {
      if (r.headers().authorization) signedIn.push(r.url());
    });
    await page.goto(`${browser.hub.publicUrl}/report`);
    await page.getByRole('banner').getByLabel('Language').selectOption('ro');
    await page.getByRole('heading', { level: 1, name: 'Semnalați o situație' }).waitFor();

    // No sign-in: the form, and what is kept and what is not, in plain words.
    expect(await page.getByLabel('Agenția').count()).toBe(0);
    const privacy = await page.getByTestId('privacy').innerText();
    expect(privacy).toContain('Nu păstrăm adresa IP, dispozitivul sau browserul dumneavoastră');
    expect(privacy).toContain('doar analiștii hubului le citesc');
    const body = await page.locator('body').innerText();
    expect(body).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    // Phone first: nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Ce s-a întâmplat?').fill(STORY);
    await page.getByLabel('Când?').fill('acum câțiva ani, apoi din nou în martie 2026');
    await page.getByLabel('Unde?').fill('Leicester, lângă gară');
    await page.getByLabel('Ce fel de situație?').selectOption({ label: 'Muncă forțată sau exploatare prin muncă' });
    await expect(page.getByLabel('Limba în care scrieți').inputValue()).resolves.toBe('Română');
    await page.getByLabel('Fotografii (opțional, cel mult 3)').setInputFiles({ name: 'spalatorie.jpg', mimeType: 'image/jpeg', buffer: await photo() });
    await page.getByTestId('photos').getByRole('img', { name: 'spalatorie.jpg' }).waitFor();
    await page.getByLabel('Cum vă putem contacta? (opțional)').fill('+40 722 000 111, seara');
    await shot(page, 'public-report');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Trimiteți semnalarea' }).click();

    // The receipt code, once, with a copy button.
    await page.getByTestId('receipt').waitFor();
    const code = (await page.getByTestId('receipt-code').innerText()).trim();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/^Vă mulțumim: semnalarea a sosit pe \d{4}-\d{2}-\d{2}$/);
    await expect(page.getByTestId('receipt').innerText()).resolves.toContain('Acest cod este afișat doar acum');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: browser.hub.publicUrl });
    await page.getByRole('button', { name: 'Copiați codul' }).click();
    await page.getByRole('button', { name: 'Copiat' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(code);
    expect(await seriousViolations(page)).toEqual([]);
    // Kept nowhere by the page: not in the address, not in the browser's storage.
    expect(page.url()).not.toContain(code);
    expect(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')).not.toContain(code);

    // The report as the hub's analysts read it: the story, the contact, the photo without its metadata.
    const reports = await browser.hub.gql<{
      publicReports: {
        nodes: Array<{
          story: string;
          occurredWhen: string;
          place: string;
          situationKind: string;
          language: string;
          contact: string;
          photos: Array<{ mediaType: string; width: number; height: number; content: string }>;
        }>;
      };
    }>(
      'tessera-hub',
      '{ publicReports(first: 50) { nodes { story occurredWhen place situationKind language contact photos { mediaType width height content } } } }',
    );
    expect(reports.errors).toBeUndefined();
    const mine = reports.data!.publicReports.nodes.find((r) => r.story === STORY)!;
    expect(mine).toMatchObject({
      occurredWhen: 'acum câțiva ani, apoi din nou în martie 2026',
      place: 'Leicester, lângă gară',
      situationKind: 'LABOUR',
      language: 'Română',
      contact: '+40 722 000 111, seara',
    });
    expect(mine.photos).toHaveLength(1);
    expect(mine.photos[0]).toMatchObject({ mediaType: 'image/jpeg', width: 640, height: 480 });
    const stored = await sharp(Buffer.from(mine.photos[0]!.content, 'base64')).metadata();
    expect(stored.exif).toBeUndefined();

    // The second page: check the receipt (typed as a person might: lower case, no dashes) and add to it.
    await page.getByRole('link', { name: 'Verificați un cod sau adăugați informații' }).click();
    await page.getByRole('heading', { level: 1, name: 'Verificați un cod sau adăugați informații' }).waitFor();
    await page.getByLabel('Codul de confirmare').fill(code.replace(/-/g, '').toLowerCase());
    await page.getByRole('button', { name: 'Verificați' }).click();
    const status = page.getByTestId('receipt-status');
    await status.waitFor();
    const field = (name: string) => status.locator(`[data-field="${name}"] dd`).innerText();
    await expect(field('status')).resolves.toBe('Primită');
    await expect(field('additionCount')).resolves.toBe('0');
    await expect(field('receivedOn')).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByLabel('Ce doriți să adăugați?').fill('Microbuzul are numere de înmatriculare românești, începe cu IS.');
    await page.getByRole('button', { name: 'Adăugați', exact: true }).click();
    await page.getByText('Informațiile au fost adăugate.').waitFor();
    await expect(field('additionCount')).resolves.toBe('1');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    const after = await browser.hub.gql<{ publicReports: { nodes: Array<{ story: string; additions: Array<{ text: string }> }> } }>(
      'tessera-hub',
      '{ publicReports(first: 50) { nodes { story additions { text } } } }',
    );
    expect(after.data!.publicReports.nodes.find((r) => r.story === STORY)!.additions.map((a) => a.text)).toEqual([
      'Microbuzul are numere de înmatriculare românești, începe cu IS.',
    ]);

    // A wrong code: not found, in words.
    await page.getByLabel('Codul de confirmare').fill('AAAA-BBBB-CCCC-DDDD');
    await page.getByRole('button', { name: 'Verificați' }).click();
    await page.getByText('Nicio semnalare nu are acest cod.', { exact: false }).waitFor();

    // Nothing the public page sent carried a token; and no Content-Security-Policy violation (the worker included).
    expect(signedIn).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('where no worker may start, the page solves the proof of work itself and the report still arrives', async () => {
    const { page } = await newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    // The worker's script cannot be loaded (as under a policy without worker-src 'self').
    const blocked: string[] = [];
    await page.route(/pow\.worker-[\w-]+\.js$/, (route) => {
      blocked.push(route.request().url());
      return route.abort();
    });
    await page.goto(`${browser.hub.publicUrl}/report`);
    await page.getByLabel('What happened?').fill('A man collects the wages of the workers at the farm near Boston every Friday.');
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.getByTestId('receipt').waitFor();
    expect(blocked).toHaveLength(1);
    const code = (await page.getByTestId('receipt-code').innerText()).trim();
    const receipt = await browser.hub.gql<{ publicReportReceipt: { status: string } }>(
      {},
      'query($code: String!) { publicReportReceipt(receiptCode: $code) { status } }',
      { code },
    );
    expect(receipt.data).toEqual({ publicReportReceipt: { status: 'RECEIVED' } });
  });

  it('a report the hub has closed shows as closed, with no form to add to it: the reporter is asked for a new report', async () => {
    const { page } = await newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${browser.hub.publicUrl}/report`);
    const story = 'A closed-report page test: a man sells fake work contracts outside the station every week.';
    await page.getByLabel('What happened?').fill(story);
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.getByTestId('receipt').waitFor();
    const code = (await page.getByTestId('receipt-code').innerText()).trim();
    const reports = await browser.hub.gql<{ publicReports: { nodes: Array<{ id: string; story: string }> } }>(
      'tessera-hub',
      '{ publicReports(first: 100) { nodes { id story } } }',
    );
    const id = reports.data!.publicReports.nodes.find((r) => r.story === story)!.id;
    const decided = await browser.hub.gql('tessera-hub', `mutation($input: DecideTriageInput!) { decideTriage(input: $input) { id } }`, {
      input: { reportId: id, decision: 'DISCARD', reason: 'Not a trafficking situation' },
    });
    expect(decided.errors).toBeUndefined();
    await page.getByRole('link', { name: 'Check a receipt or add information' }).click();
    await page.getByLabel('Receipt code').fill(code);
    await page.getByRole('button', { name: 'Check' }).click();
    const status = page.getByTestId('receipt-status');
    await status.waitFor();
    await expect(status.locator('[data-field="status"] dd').innerText()).resolves.toBe('Closed');
    await page.getByTestId('report-closed').getByText('please send it as a new report', { exact: false }).waitFor();
    expect(await page.getByLabel('What would you like to add?').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("a refused field is said in the reader's language, with the API's reason, and nothing is lost from the form", async () => {
    const { page } = await newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${browser.hub.publicUrl}/report`);
    await page.getByRole('heading', { level: 1, name: 'Report a situation' }).waitFor();
    // Only punctuation: the intake refuses it as spam (no letters or digits).
    await page.getByLabel('What happened?').fill('?!?!');
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.getByRole('alert').getByText('Something in the form could not be accepted:').waitFor();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('no letters or digits');
    await expect(page.getByLabel('What happened?').inputValue()).resolves.toBe('?!?!');
    expect(await page.getByTestId('receipt').count()).toBe(0);
  });
});
