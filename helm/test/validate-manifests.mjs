// Validates every object of a multi-document Kubernetes YAML file (helm template's output) against the
// Kubernetes JSON schemas that the kubernetes-models package ships (generated from the Kubernetes OpenAPI
// spec; types, required fields, enums, formats), and prometheus-operator's objects (ServiceMonitor) against
// the schemas @kubernetes-models/prometheus-operator generates from its CRDs. Like the API server's schemas
// they do not forbid unknown fields. Usage: node validate-manifests.mjs FILE
// Prints one line per object; exits 1 naming the object and field of the first problems found.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate-manifests.mjs FILE (expected: a file of Kubernetes YAML documents)");
  process.exit(2);
}
const documents = parseAllDocuments(readFileSync(file, "utf8"));
let problems = 0;
let valid = 0;
for (const document of documents) {
  if (document.errors.length > 0) {
    console.error(`${file}: not YAML: ${document.errors[0].message}`);
    problems++;
    continue;
  }
  const object = document.toJS();
  if (object == null) continue; // an empty document between separators
  const name = `${object.apiVersion}/${object.kind} ${object.metadata?.name}`;
  // "apps/v1" -> the Deployment of kubernetes-models/apps/v1; the core group "v1" -> kubernetes-models/v1;
  // a group of custom resources -> the package of its CRDs' models
  const crdPackages = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator" };
  const modelPackage = crdPackages[object.apiVersion?.split("/")[0]] ?? "kubernetes-models";
  let model;
  try {
    model = (await import(`${modelPackage}/${object.apiVersion}`))[object.kind];
    if (!model) throw new Error("no such kind");
  } catch (e) {
    console.error(`${name}: no Kubernetes schema for apiVersion ${object.apiVersion}, kind ${object.kind}`);
    problems++;
    continue;
  }
  try {
    new model(object).validate();
    valid++;
    console.log(`valid: ${name}`);
  } catch (e) {
    console.error(`${name}: ${e.message}`);
    problems++;
  }
}
console.log(`${valid} valid, ${problems} with problems`);
process.exit(problems > 0 ? 1 : 0);
