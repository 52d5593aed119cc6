import { startSalesforceEmulator } from '../test/emulators/salesforce/index';
const emu = await startSalesforceEmulator({ port: 0, seed: 'demo', log: (l) => console.error(l) });
const V = '/services/data/v62.0';
const vals: unknown[] = [null, 1, -1.5, true, 'x', '', '001Hs0000000001IAA', '003', {}, [], [1], { a: { b: 1 } }, 'x'.repeat(40000), '2024-13-45', '2024-01-01T00:00:00Z', 'a@b.co', NaN];
const pick = <T,>(a: T[]): T => a[Math.floor(Math.random() * a.length)]!;
const fields = ['LastName', 'Email', 'AccountId', 'Birthdate', 'DoNotCall', 'NumberOfEmployees', 'Id', 'id', 'attributes', 'Name', 'OwnerId', 'MailingAddress', 'EmailBouncedDate', 'Nope'];
const paths = [
  ['POST', `${V}/sobjects/Contact`], ['PATCH', `${V}/sobjects/Contact/003Hs0000000001IAA`], ['POST', `${V}/composite/sobjects`], ['PATCH', `${V}/composite/sobjects`],
  ['POST', `${V}/composite`], ['PATCH', `${V}/composite/sobjects/Contact/Id`], ['POST', `${V}/composite/sobjects/Contact`], ['POST', `${V}/composite/batch`], ['PATCH', `${V}/sobjects/Account/Id/x`],
  ['DELETE', `${V}/composite/sobjects?ids=abc,003Hs0000000001IAA`], ['GET', `${V}/sobjects/Contact/deleted/?start=x&end=y`], ['GET', `${V}/query?q=`],
];
const soqls = ["SELECT Id FROM Contact WHERE Name IN ('a', 1)", 'SELECT Id FROM Contact WHERE CreatedDate = 2020-01-01', 'SELECT Account.Owner.Name FROM Contact', 'SELECT Id FROM Contact ORDER BY Account.Name DESC NULLS FIRST', 'SELECT Id FROM Contact WHERE MailingAddress = null', 'SELECT COUNT(Id), COUNT(Email) FROM Contact', "SELECT Id FROM Contact WHERE Id = 'zz'", 'SELECT Id FROM Contact WHERE Birthdate = LAST_N_WEEKS:2', 'SELECT Id, (SELECT Id FROM Nope) FROM Account', 'SELECT FIELDS(ALL) FROM Contact LIMIT 1', 'SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM CampaignMember)', 'SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry', 'SELECT Id FROM Contact OFFSET 5000', 'SELECT Id FROM Task WHERE Who.Name != null', "SELECT Id FROM Contact WHERE DoNotCall = 'true'", 'SELECT Id FROM Contact WHERE NumberOfEmployees > 5', "SELECT Id FROM Contact WHERE LastName LIKE 5"];
let n500 = 0;
const bad: string[] = [];
for (let i = 0; i < 600; i++) {
  let method: string, url: string, body: string | undefined;
  if (i % 4 === 0) { method = 'GET'; url = `${V}/query?q=${encodeURIComponent(pick(soqls))}`; }
  else {
    [method, url] = pick(paths) as [string, string];
    const rec: Record<string, unknown> = {};
    for (let k = 0; k < 3; k++) rec[pick(fields)] = pick(vals);
    const shapes = [rec, { records: [rec, { attributes: { type: pick(['Contact', 'Nope', 1, null]) }, ...rec }], allOrNone: pick(vals) }, { compositeRequest: [{ method: pick(['GET', 'POST', 1]), url: pick([`${V}/sobjects/Contact`, `${V}/query?q=x`, 'nope', `${V}/sobjects/Contact/@{a.id}`]), referenceId: pick(['a', 'b', 'a b', 1]), body: rec }] }, { batchRequests: [{ method: 'GET', url: pick(['v62.0/limits', 'x', 5]) }] }, { ids: pick(vals), fields: pick(vals) }, pick(vals)];
    body = i % 13 === 0 ? '{"broken": ' : JSON.stringify(pick(shapes));
  }
  const res = await fetch(`${emu.instanceUrl}${url}`, { method, headers: { authorization: `Bearer ${emu.accessToken}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : body });
  const text = await res.text();
  if (res.status >= 500) { n500++; if (bad.length < 8) bad.push(`${method} ${url} ${body?.slice(0, 200)} -> ${res.status} ${text.slice(0, 200)}`); }
}
console.log('500s:', n500); for (const b of bad) console.log(b);
await emu.stop();
