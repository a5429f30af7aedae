// docs/openapi.yaml as a validator: finds the operation a concrete request
// matches (literal paths before templated ones, as OpenAPI 3 says), the
// response object for its status (exact, then "4XX"/"5XX"), and checks the
// content type, the documented headers and the body (JSON against the
// schema, with Ajv; binary bodies against their length bounds).
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import YAML from 'yaml';

// OpenAPI 3.0 schema objects are a JSON Schema dialect: "nullable: true"
// becomes a null type, and local refs are rewritten to the registered id.
function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'example') continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out.$ref = `api${v}`;
    else out[k] = toJsonSchema(v);
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function templateRegex(template) {
  const re = template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '([^/]+)');
  return new RegExp(`^${re}$`);
}

export class Contract {
  constructor(file) {
    this.doc = YAML.parse(readFileSync(file, 'utf8'));
    this.ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    this.ajv.addSchema({ components: toJsonSchema({ schemas: this.doc.components.schemas }) }, 'api');
    // Literal paths win over templated ones, and fewer templated parts over
    // more (/tile/entries/{n0} before /tile/{level}/{n0}).
    const holes = (p) => (p.match(/\{/g) ?? []).length;
    this.paths = Object.keys(this.doc.paths)
      .sort((a, b) => holes(a) - holes(b))
      .map((p) => ({ template: p, re: templateRegex(p) }));
    this.seen = new Map(); // "METHOD template" -> Set of statuses checked
    this.validators = new Map();
  }

  resolve(obj) {
    while (obj && obj.$ref) {
      obj = obj.$ref.slice(2).split('/').reduce((o, k) => o[k.replaceAll('~1', '/').replaceAll('~0', '~')], this.doc);
    }
    return obj;
  }

  // The operation template of a concrete path, or null.
  match(method, pathname) {
    for (const p of this.paths) {
      if (p.re.test(pathname) && this.doc.paths[p.template][method.toLowerCase()]) return p.template;
    }
    return null;
  }

  validator(key, schema) {
    if (!this.validators.has(key)) this.validators.set(key, this.ajv.compile(toJsonSchema(schema)));
    return this.validators.get(key);
  }

  // Checks one response; returns a list of problems (empty when it conforms).
  check(method, url, res, body) {
    const pathname = new URL(url).pathname;
    const template = this.match(method, pathname);
    if (!template) return [`${method} ${pathname}: no path of the spec matches`];
    const op = this.doc.paths[template][method.toLowerCase()];
    const status = String(res.status);
    const responses = op.responses;
    const key = responses[status] ? status : responses[`${status[0]}XX`] ? `${status[0]}XX` : null;
    const where = `${method} ${pathname} (${template}) ${status}`;
    if (!key) return [`${where}: status not documented`];
    const seenKey = `${method.toUpperCase()} ${template}`;
    if (!this.seen.has(seenKey)) this.seen.set(seenKey, new Set());
    this.seen.get(seenKey).add(key);
    const response = this.resolve(responses[key]);
    const problems = [];
    for (const [name, h] of Object.entries(response.headers ?? {})) {
      if (name.toLowerCase() === 'cache-control') continue; // described, not promised per route
      const header = this.resolve(h);
      const value = res.headers.get(name);
      if (value === null) {
        // Headers are promised unless marked `required: false` (sent only
        // in some cases, e.g. Acta-Receipt-Key).
        if (header.required === false) continue;
        problems.push(`${where}: header ${name} missing`);
        continue;
      }
      const schema = this.resolve(header.schema);
      const typed = schema.type === 'integer' ? Number(value) : value;
      const v = this.validator(`${template} ${key} header ${name}`, header.schema);
      if (!v(typed)) problems.push(`${where}: header ${name}=${value}: ${this.ajv.errorsText(v.errors)}`);
    }
    const content = response.content ?? {};
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    if (Object.keys(content).length === 0) {
      if (body.length !== 0) problems.push(`${where}: body not documented`);
      return problems;
    }
    const media = content[type];
    if (!media) return [...problems, `${where}: content type ${type || '(none)'} not one of ${Object.keys(content)}`];
    const schema = this.resolve(media.schema);
    if (type === 'application/json') {
      let json;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch (e) {
        return [...problems, `${where}: body is not JSON: ${e.message}`];
      }
      const v = this.validator(`${template} ${key} ${type}`, media.schema);
      if (!v(json)) problems.push(`${where}: ${this.ajv.errorsText(v.errors, { separator: '; ' })}`);
    } else {
      if (schema.minLength !== undefined && body.length < schema.minLength) problems.push(`${where}: ${body.length} bytes < ${schema.minLength}`);
      if (schema.maxLength !== undefined && body.length > schema.maxLength) problems.push(`${where}: ${body.length} bytes > ${schema.maxLength}`);
      if (schema.enum && !schema.enum.includes(body.toString('utf8'))) problems.push(`${where}: body not one of ${JSON.stringify(schema.enum)}`);
    }
    return problems;
  }

  // Operations of the spec that no checked response reached.
  unexercised() {
    const out = [];
    for (const [p, item] of Object.entries(this.doc.paths)) {
      for (const method of Object.keys(item)) {
        if (!this.seen.has(`${method.toUpperCase()} ${p}`)) out.push(`${method.toUpperCase()} ${p}`);
      }
    }
    return out;
  }

  // Documented statuses (besides the "4XX" range) no checked response had.
  unexercisedStatuses() {
    const out = [];
    for (const [p, item] of Object.entries(this.doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const seen = this.seen.get(`${method.toUpperCase()} ${p}`) ?? new Set();
        for (const s of Object.keys(op.responses)) if (!s.endsWith('XX') && !seen.has(s)) out.push(`${method.toUpperCase()} ${p} ${s}`);
      }
    }
    return out;
  }
}
