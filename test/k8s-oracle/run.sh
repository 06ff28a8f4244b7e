#!/bin/sh
# Not part of npm test (needs Go and k8s.io/apimachinery in the module cache): checks that the schema's shared
# Kubernetes definitions never accept a string apimachinery refuses, and that Go RE2 (Helm) and JavaScript (ajv)
# read every pattern alike. Usage: sh test/k8s-oracle/run.sh
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
node corpus.mjs "$tmp/corpus.json"
go build -o "$tmp/oracle" .
(cd "$tmp" && ./oracle "$OLDPWD/../../schema/retool.schema.json" corpus.json)
(cd "$tmp" && node "$OLDPWD/js-check.mjs" "$OLDPWD/../../schema/retool.schema.json")
rm -rf "$tmp"
