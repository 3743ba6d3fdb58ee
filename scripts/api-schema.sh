#!/usr/bin/env bash
# The REST API against its own OpenAPI document: Schemathesis (PyPI, installed by `setup.sh
# --test`) generates requests for every operation from the document a running Tessera serves, as
# a partner admin's token and as a program admin's, and checks that no answer is a server error
# and every answer (status, content type, body) is one the document allows.
# Usage: bash scripts/api-schema.sh BASE_URL — with TESSERA_DATABASE_URL naming that server's
# database (the tokens are made there, by `tessera token`).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?the running server, such as http://127.0.0.1:3000}
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
status=0
for person in partner@bluepeak.test admin@acme.test; do
  token=$(./target/debug/tessera token --email "$person" --name "Schema tests" \
    --scopes deals:read,deals:write,partners:read,people:read,tiers:read,certifications:read,leads:read,campaigns:read,mdf:read,ledger:read --days 30)
  echo "[api-schema] as $person"
  .tools/venv/bin/schemathesis run "$base/api/v1/openapi.json" --url "$base/api/v1" \
    --header "Authorization: Bearer $token" --checks "$checks" --max-examples 40 --generation-database none --no-color || status=1
done
exit $status
