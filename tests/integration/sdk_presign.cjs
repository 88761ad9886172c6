// Reference signatures from the services' own SDKs, for tests/integration/presign_sdk_crosscheck.cpp:
// Microsoft's @azure/storage-blob (service SAS) and Google's @google-cloud/storage (V4 signed URLs, signed locally
// with the service-account key: no network). Usage: node sdk_presign.cjs PEERS_DIR CASES.json
// PEERS_DIR holds node_modules with both packages (bash cmake/setup.sh test installs them). Prints a JSON list with
// one answer per case. Exit 3 with a reason on stderr when a package cannot be loaded, so the test skips.
"use strict";
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");

const [peersDir, casesFile] = process.argv.slice(2);
const peerRequire = createRequire(path.join(path.resolve(peersDir), "package.json"));
let azure, gcs;
try {
  azure = peerRequire("@azure/storage-blob");
  gcs = peerRequire("@google-cloud/storage");
} catch (e) {
  process.stderr.write(`SDK packages not loadable from ${peersDir}: ${e.message.split("\n")[0]}\n`);
  process.exit(3);
}

// The SDKs read the clock for "now" (GCS refuses an expiry in the past): pin it to each case's time.
const RealDate = Date;
let fixedNow = RealDate.now();
globalThis.Date = class extends RealDate {
  constructor(...a) { if (a.length === 0) super(fixedNow); else super(...a); }
  static now() { return fixedNow; }
};

function azureSas(c) {
  const cred = new azure.StorageSharedKeyCredential(c.account, c.key);
  const opts = {
    containerName: c.container, blobName: c.blob, permissions: (c.blob ? azure.BlobSASPermissions : azure.ContainerSASPermissions).parse(c.permissions),
    expiresOn: new RealDate(c.expiry), version: c.version,
  };
  if (c.start) opts.startsOn = new RealDate(c.start);
  if (c.protocol) opts.protocol = c.protocol === "https" ? azure.SASProtocol.Https : azure.SASProtocol.HttpsAndHttp;
  if (c.ip) {
    const [start, end] = c.ip.split("-");
    opts.ipRange = end ? { start, end } : { start };
  }
  for (const [field, name] of [["cacheControl", "rscc"], ["contentDisposition", "rscd"], ["contentEncoding", "rsce"],
                               ["contentLanguage", "rscl"], ["contentType", "rsct"]])
    if (c[name]) opts[field] = c[name];
  return azure.generateBlobSASQueryParameters(opts, cred).toString();
}

async function gcsUrl(c) {
  fixedNow = RealDate.parse(c.time);
  const key = JSON.parse(fs.readFileSync(c.key_file, "utf8"));
  const storage = new gcs.Storage({ credentials: { client_email: key.client_email, private_key: key.private_key },
                                    projectId: "ferry-crosscheck" });
  const cfg = { version: "v4", action: c.action, expires: fixedNow + c.expires * 1000 };
  if (c.style === "virtual") cfg.virtualHostedStyle = true;
  if (c.cname) cfg.cname = c.cname;
  if (c.headers) cfg.extensionHeaders = c.headers;
  if (c.query) cfg.queryParams = c.query;
  if (c.contentType) cfg.contentType = c.contentType;
  const [url] = await storage.bucket(c.bucket).file(c.object).getSignedUrl(cfg);
  return url;
}

(async () => {
  const out = [];
  for (const c of JSON.parse(fs.readFileSync(casesFile, "utf8")))
    out.push(c.kind === "azure" ? azureSas(c) : await gcsUrl(c));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
