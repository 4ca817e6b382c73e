import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { connectorSignatures, parseConnector } from './connector';
import { parseTemplate, parseTypeString } from './syntax';

const GOOD = `connector: purchasing
description: Supplier purchase orders
base_url:
  config: PURCHASING_URL
  default: https://purchasing.example.com/api
headers:
  Authorization: 'Bearer \${secret("PURCHASING_TOKEN")}'
  X-Client: opsflow
retryable_statuses: [429, 5xx]
actions:
  create_order:
    description: Place an order
    params:
      sku: string
      quantity: int
      supplier: string?
      tags?: list<string>
      ship_to: { city: string, zip?: string }
    result: { id: string, lines: "list<{ sku: string, qty: int }>", eta: time? }
    request:
      method: post
      path: /orders/\${sku}
      query: { tag: "\${tags}", v: 2 }
      headers: { X-Api-Key: '\${secret("PURCHASING_KEY")}' }
      body: { sku: "\${sku}", quantity: "\${quantity}", note: "to \${ship_to.city}", fixed: [1, true, null] }
    result_from: body.order
  cancel_order:
    params: { id: string }
    request: { method: DELETE, path: "/orders/\${id}" }
    retryable_statuses: [409]
`;

/** `LINE:COLUMN message` of each diagnostic, for compact expectations. */
function problems(text: string): string[] {
  const result = parseConnector(text, 'x.connector.yaml');
  for (const d of result.diagnostics) expect(d.code).toBe('connector-invalid');
  expect(result.connector).toBeUndefined();
  return result.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.message}`);
}

/** A minimal connector around one action body (indented by 4). */
function withAction(action: string, top = ''): string {
  return `connector: shop\nbase_url: https://shop.example\n${top}actions:\n  act:\n${action}`;
}

describe('parseConnector', () => {
  it('reads a complete connector', () => {
    const { connector, diagnostics } = parseConnector(GOOD, 'purchasing.connector.yaml');
    expect(diagnostics).toEqual([]);
    expect(connector?.connector).toBe('purchasing');
    expect(connector?.baseUrl).toEqual({
      config: 'PURCHASING_URL',
      default: 'https://purchasing.example.com/api',
    });
    expect(connector?.secrets).toEqual(['PURCHASING_KEY', 'PURCHASING_TOKEN']);
    expect(connector?.headers.map((h) => h.name)).toEqual(['Authorization', 'X-Client']);
    const [create, cancel] = connector?.actions ?? [];
    expect(create.request.method).toBe('POST');
    expect(create.resultFrom).toEqual(['body', 'order']);
    expect(create.retryableStatuses).toContain(429);
    expect(create.retryableStatuses).toContain(599);
    expect(create.retryableStatuses).not.toContain(404);
    expect(cancel.retryableStatuses).toEqual([409]);
    expect(cancel.result).toEqual({ kind: 'any' });
    expect(create.request.query[1].template).toEqual({ parts: [{ kind: 'text', text: '2' }], whole: false });
    expect(create.span).toMatchObject({ file: 'purchasing.connector.yaml', line: 12 });
  });

  it('gives each action a typed signature', () => {
    const { connector } = parseConnector(GOOD, 'p.connector.yaml');
    if (!connector) throw new Error('no connector');
    const [create, cancel] = connectorSignatures(connector);
    expect(create.name).toBe('purchasing.create_order');
    expect(create.params).toEqual([
      { name: 'sku', type: { kind: 'string' }, optional: false },
      { name: 'quantity', type: { kind: 'int' }, optional: false },
      { name: 'supplier', type: { kind: 'string' }, optional: true },
      { name: 'tags', type: { kind: 'list', element: { kind: 'string' } }, optional: true },
      {
        name: 'ship_to',
        type: {
          kind: 'object',
          fields: [
            { name: 'city', type: { kind: 'string' } },
            { name: 'zip', type: { kind: 'optional', type: { kind: 'string' } } },
          ],
        },
        optional: false,
      },
    ]);
    expect(create.result).toEqual({
      kind: 'object',
      fields: [
        { name: 'id', type: { kind: 'string' } },
        {
          name: 'lines',
          type: {
            kind: 'list',
            element: {
              kind: 'object',
              fields: [
                { name: 'sku', type: { kind: 'string' } },
                { name: 'qty', type: { kind: 'int' } },
              ],
            },
          },
        },
        { name: 'eta', type: { kind: 'optional', type: { kind: 'time' } } },
      ],
    });
    expect(cancel).toEqual({
      name: 'purchasing.cancel_order',
      params: [{ name: 'id', type: { kind: 'string' }, optional: false }],
      result: { kind: 'any' },
    });
  });

  it('reports unknown and missing keys where they are', () => {
    expect(problems('connector: shop\nbase_urls: https://x.example\n')).toEqual([
      '1:1 a connector is missing `base_url`',
      '1:1 a connector is missing `actions`',
      '2:1 unknown key `base_urls` in a connector (expected connector, description, base_url, headers, retryable_statuses, actions)',
    ]);
    expect(problems(withAction('    request: { method: GET }\n    params: {}\n    results: {}\n'))).toEqual([
      '5:14 `request` is missing `path`',
      '7:5 unknown key `results` in action `shop.act` (expected description, params, result, request, result_from, retryable_statuses)',
    ]);
    expect(problems(withAction('    description: x\n'))).toEqual([
      '5:5 action `shop.act` is missing `request`',
    ]);
  });

  it('reports parameters used in templates that are not declared, inside the string', () => {
    const text = withAction(
      '    params: { sku: string }\n    request:\n      method: GET\n      path: "/items/${sku}/${skew}"\n',
    );
    expect(problems(text)).toEqual(['8:28 `skew` is not a declared parameter of this action']);
    const params = withAction(
      '    params: { sku: string }\n    request: { method: GET, path: "/i/${params.sku}" }\n',
    );
    expect(problems(params)).toEqual([
      '6:39 `params` is not a declared parameter of this action (parameters are named directly: ${sku})',
    ]);
    const wide = withAction(
      '    params: { sku: string }\n    request: { method: GET, path: /i }\n',
      'headers: { X-Sku: "${sku}" }\n',
    );
    expect(problems(wide)).toEqual([
      '3:20 ${sku}: connector-wide values may use only secrets, not parameters',
    ]);
  });

  it('reports bad types, fields and template expressions', () => {
    expect(
      problems(withAction('    params: { n: integer }\n    request: { method: GET, path: /i }\n')),
    ).toEqual([
      '5:18 parameter `n`: unknown type `integer` (types: string number int bool time duration any, list<T>, { field: T }, T?)',
    ]);
    expect(
      problems(withAction('    result: "list<string"\n    request: { method: GET, path: /i }\n')),
    ).toEqual(['5:13 the result type: expected `>` to close `list<`']);
    const field = withAction(
      '    params: { a: { b: int } }\n    request: { method: POST, path: /i, body: { x: "${a.c}" } }\n',
    );
    expect(problems(field)).toEqual(['6:52 `a` has no field `c` (fields: b)']);
    const object = withAction(
      '    params: { a: { b: int } }\n    request: { method: GET, path: "/i/${a}" }\n',
    );
    expect(problems(object)).toEqual([
      '6:39 `a` is { b: int }: only text, numbers and booleans can be written into text',
    ]);
    const expr = withAction('    params: { a: int }\n    request: { method: GET, path: "/i/${a + 1}" }\n');
    expect(problems(expr)).toEqual([
      '6:39 `${a + 1}` is not allowed here: connector templates take only ${param}, ${param.field} and ${secret("NAME")}',
    ]);
  });

  it('reports bad methods, paths, headers, statuses and result paths', () => {
    const lines = [
      '    request:',
      '      method: FETCH',
      '      path: orders',
      '      headers: { Host: evil.example, "Bad Header": x }',
      '    retryable_statuses: [429, 700, 6xx]',
      '    result_from: payload.id',
    ];
    expect(problems(withAction(`${lines.join('\n')}\n`))).toEqual([
      '6:15 `FETCH` is not a supported method (GET, HEAD, POST, PUT, PATCH, DELETE)',
      '7:13 the path must start with `/`',
      '8:18 the `Host` header is set by opsflow and cannot be configured',
      '8:38 `Bad Header` is not a valid header name',
      '9:31 `700` is not an HTTP status (100–599, or 4xx/5xx)',
      '9:36 `6xx` is not an HTTP status (100–599, or 4xx/5xx)',
      '10:18 `result_from` must be `body`, `body.FIELD...`, `headers.NAME`, `status` or `response`',
    ]);
    expect(problems(withAction('    request: { method: GET, path: /i, body: { a: 1 } }\n'))).toEqual([
      '5:39 a GET request cannot have a body',
    ]);
  });

  it('reports bad names, base URLs and YAML syntax', () => {
    expect(problems('connector: notify\nbase_url: ftp://x.example\nactions: {}\n')).toEqual([
      '1:12 `notify` is a built-in action family; choose another connector name',
      '2:11 the base URL must use http or https, not ftp',
      '3:10 a connector needs at least one action',
    ]);
    expect(problems('connector: shop\nbase_url: {}\nactions:\n  "bad-name": {}\n')).toEqual([
      '2:11 `base_url` needs `config` (a configuration name) or `default` (a URL), or both',
      '4:3 action name `bad-name` must be a name (letters, digits, _)',
    ]);
    const yaml = problems('connector: shop\nactions: [\n');
    expect(yaml).toHaveLength(1);
    expect(yaml[0]).toMatch(/^3:1 YAML: /);
    expect(problems('connector: a\nconnector: b\n')[0]).toMatch(/^2:1 YAML: Map keys must be unique/);
  });

  it('never throws, whatever the input', () => {
    const samples = [
      '',
      'null',
      '[1, 2]',
      '42',
      '---\na: 1\n---\nb: 2\n',
      '&a [*a]',
      'connector: &x shop\nbase_url: *x\n',
    ];
    samples.push(
      `${'['.repeat(500)}${']'.repeat(500)}`,
      `connector: x\nbase_url: https://x.example\nactions:\n  a:\n    result: "${'list<'.repeat(100)}int${'>'.repeat(100)}"\n    request: { method: GET, path: / }\n`,
    );
    for (const text of samples) expect(parseConnector(text, 'f').diagnostics.length).toBeGreaterThan(0);
    const token = fc.constantFrom(
      'connector',
      'actions',
      'request',
      ': ',
      '\n',
      '  ',
      '- ',
      '${',
      '}',
      '"',
      'x',
      '{',
      '[',
      ']',
      ',',
      '?',
    );
    const yamlish = fc.array(token, { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), yamlish), (text) => {
        const result = parseConnector(text, 'f');
        return result.connector !== undefined || result.diagnostics.length > 0;
      }),
      { numRuns: 300 },
    );
  });
});

describe('templates and type strings', () => {
  it('parses templates, with $${ as a literal', () => {
    expect(parseTemplate('a $${b} ${c.d} ${ secret( "T" ) }')).toEqual({
      template: {
        parts: [
          { kind: 'text', text: 'a ${b} ' },
          { kind: 'param', name: 'c', path: ['d'] },
          { kind: 'text', text: ' ' },
          { kind: 'secret', name: 'T' },
        ],
        whole: false,
      },
    });
    expect(parseTemplate('${x}')).toEqual({
      template: { parts: [{ kind: 'param', name: 'x', path: [] }], whole: true },
    });
    expect(parseTemplate('')).toEqual({ template: { parts: [{ kind: 'text', text: '' }], whole: false } });
    expect(parseTemplate('${x')).toMatchObject({
      problem: { message: 'unterminated `${` in template', offset: 0 },
    });
    expect(parseTemplate('${secret("a-b")}')).toMatchObject({ problem: { offset: 0 } });
  });

  it('parses type strings', () => {
    expect(parseTypeString('list<int>?')).toEqual({
      type: { kind: 'optional', type: { kind: 'list', element: { kind: 'int' } } },
    });
    expect(parseTypeString('{ a: int b?: string }')).toEqual({
      type: {
        kind: 'object',
        fields: [
          { name: 'a', type: { kind: 'int' } },
          { name: 'b', type: { kind: 'optional', type: { kind: 'string' } } },
        ],
      },
    });
    expect(parseTypeString('int int')).toMatchObject({
      problem: { message: 'unexpected `int` after the type', offset: 4 },
    });
    expect(parseTypeString('{ a: int, a: int }')).toMatchObject({
      problem: { message: 'field `a` is declared twice' },
    });
  });
});

describe('docs/connectors.md', () => {
  it('has a complete example that parses', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'connectors.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const { connector, diagnostics } = parseConnector(example, 'purchasing.connector.yaml');
    expect(diagnostics).toEqual([]);
    expect(connector?.actions.map((a) => a.name)).toEqual([
      'purchasing.create_order',
      'purchasing.get_order',
    ]);
  });
});
