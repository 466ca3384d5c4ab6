// Drives @kafkajs/confluent-schema-registry (an independent Confluent client) against a registry.
// Usage: node crosscheck.js <command> <registryUrl> <requestJsonFile>
// Prints exactly one JSON line on stdout. Bytes travel as {"$bytes": "<base64>"}, both ways.
//   decode   {hexes}                    -> {values}                decode Confluent-framed messages
//   encode   {subject, schema, values}  -> {id, latestId, versionId, bySchemaId, hexes}
//                                          register, look up, then encode the values with the schema
//   failure  {hex}                      -> {error: {name, status, errorCode, message}}
//                                          decode expected to fail; reports the registry's error
'use strict';

const fs = require('fs');

const [command, host, requestFile] = process.argv.slice(2);
const request = JSON.parse(fs.readFileSync(requestFile, 'utf8'), (key, value) =>
  value && typeof value === 'object' && typeof value.$bytes === 'string' && Object.keys(value).length === 1
    ? Buffer.from(value.$bytes, 'base64')
    : value);

// The package's ResponseError keeps only the HTTP status and the message, not Confluent's
// error_code. To report the error_code Node's client received, tap Node's http module (which the
// package's HTTP layer, mappersmith, uses) and keep the body of the last answer with status >= 400.
let lastErrorBody = null;
const http = require('http');
const originalRequest = http.request;
http.request = function tappedRequest(...args) {
  const request = originalRequest.apply(this, args);
  request.on('response', response => {
    if (response.statusCode < 400) {
      return;
    }
    const chunks = [];
    response.on('data', chunk => chunks.push(chunk));
    response.on('end', () => {
      const text = chunks.map(c => (typeof c === 'string' ? c : c.toString('utf8'))).join('');
      try {
        lastErrorBody = JSON.parse(text);
      } catch (parseError) {
        lastErrorBody = { unparsed: text };
      }
    });
  });
  return request;
};

const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

const registry = new SchemaRegistry({ host, retry: { retries: 0 } });

function toJson(value) {
  return JSON.stringify(value, (key, v) =>
    v && v.type === 'Buffer' && Array.isArray(v.data) ? { $bytes: Buffer.from(v.data).toString('base64') } : v);
}

async function main() {
  switch (command) {
    case 'decode': {
      const values = [];
      for (const hex of request.hexes) {
        values.push(await registry.decode(Buffer.from(hex, 'hex')));
      }
      return { values };
    }
    case 'encode': {
      const schema = { type: SchemaType.AVRO, schema: request.schema };
      const { id } = await registry.register(schema, { subject: request.subject });
      const latestId = await registry.getLatestSchemaId(request.subject);
      const versionId = await registry.getRegistryId(request.subject, 1);
      const bySchemaId = await registry.getRegistryIdBySchema(request.subject, schema);
      const hexes = [];
      for (const value of request.values) {
        hexes.push((await registry.encode(id, value)).toString('hex'));
      }
      return { id, latestId, versionId, bySchemaId, hexes };
    }
    case 'failure': {
      try {
        const value = await registry.decode(Buffer.from(request.hex, 'hex'));
        return { unexpectedValue: value };
      } catch (error) {
        return {
          error: {
            name: error.name,
            status: error.status,
            errorCode: lastErrorBody && lastErrorBody.error_code,
            message: error.message,
          },
        };
      }
    }
    default:
      throw new Error(`unknown command ${command}`);
  }
}

main().then(
  result => {
    process.stdout.write(toJson(result) + '\n');
  },
  error => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
