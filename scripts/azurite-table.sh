#!/usr/bin/env bash
# Writes rows into a table of the local Azurite that ./run.sh starts (the README's example seeds share sources with it),
# with curl and openssl only: requests signed with Azurite's well-known development account key (SharedKeyLite).
#
#   scripts/azurite-table.sh create TABLE                          creates the table (201; 409 when it exists)
#   scripts/azurite-table.sh upsert TABLE PARTITIONKEY ROWKEY JSON inserts or replaces a row; JSON holds its other
#                                                                  columns, e.g. '{"OrderId":1,"Amount":10}'
#   scripts/azurite-table.sh delete TABLE PARTITIONKEY ROWKEY      deletes a row
#
# Keys must be plain (letters, digits, '-', '_'). AZURITE_TABLE_PORT moves the endpoint from 127.0.0.1:10002.
# The development key is public (like the one in local.settings.sample.json); this script is for Azurite only.
set -euo pipefail

account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
endpoint="http://127.0.0.1:${AZURITE_TABLE_PORT:-10002}/$account"

# request METHOD RESOURCE [BODY] [EXTRA HEADER]: RESOURCE is the path after the account, e.g. Tables or orders(...)
request() {
  local method=$1 resource=$2 body=${3:-} extra=${4:-}
  local date signature
  date=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
  signature=$(printf '%s\n%s' "$date" "/$account/$account/$resource" |
    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(printf '%s' "$key" | base64 -d | od -An -vtx1 | tr -d ' \n')" -binary | base64)
  local args=(-s -o /dev/null -w '%{http_code}\n' -X "$method" "$endpoint/$resource"
    -H "x-ms-date: $date" -H 'x-ms-version: 2019-02-02' -H 'DataServiceVersion: 3.0'
    -H 'Accept: application/json;odata=nometadata' -H "Authorization: SharedKeyLite $account:$signature")
  [ -n "$extra" ] && args+=(-H "$extra")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
  curl "${args[@]}"
}

case "${1:-}" in
  create) request POST Tables "{\"TableName\":\"$2\"}" ;;
  upsert) request PUT "$2(PartitionKey='$3',RowKey='$4')" "$5" ;;
  delete) request DELETE "$2(PartitionKey='$3',RowKey='$4')" '' 'If-Match: *' ;;
  *) sed -n '4,9p' "$0" >&2; exit 2 ;;
esac
