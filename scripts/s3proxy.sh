#!/usr/bin/env bash
# S3Proxy (an S3-compatible server keeping objects as files) on 127.0.0.1, for running the
# backend on S3 by hand:
#   scripts/s3proxy.sh start                 # starts it, creates the bucket, writes an env file
#   source target/s3proxy/env                # AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL_S3
#   scripts/backend.sh --store s3://acquire/dev
#   scripts/s3proxy.sh stop                  # objects stay in target/s3proxy/buckets
# Options: S3PROXY_PORT (9000), S3PROXY_BUCKET (acquire), S3PROXY_DIR (target/s3proxy).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${S3PROXY_DIR:-$root/target/s3proxy}"
port="${S3PROXY_PORT:-9000}"
bucket="${S3PROXY_BUCKET:-acquire}"
jar="$root/mock-services/target/s3proxy/s3proxy.jar"
endpoint="http://127.0.0.1:$port"

running() {
  [[ -f "$dir/pid" ]] && kill -0 "$(cat "$dir/pid")" 2>/dev/null
}

case "${1:-}" in
  start)
    if running; then
      echo "S3Proxy already runs at $endpoint (pid $(cat "$dir/pid")); source $dir/env" >&2
      exit 0
    fi
    if [[ ! -f "$jar" ]]; then
      (cd "$root" && mvn -B -q -ntp -pl mock-services -am process-test-resources >/dev/null)
    fi
    mkdir -p "$dir/buckets"
    umask 077
    if [[ ! -f "$dir/env" ]]; then
      key="dev-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
      secret="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
      cat > "$dir/env" <<ENV
export AWS_ACCESS_KEY_ID=$key
export AWS_SECRET_ACCESS_KEY=$secret
export AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_S3=$endpoint
ENV
    fi
    # shellcheck disable=SC1091
    source "$dir/env"
    cat > "$dir/s3proxy.properties" <<PROPS
s3proxy.endpoint=$endpoint
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$dir/buckets
jclouds.identity=$AWS_ACCESS_KEY_ID
jclouds.credential=$AWS_SECRET_ACCESS_KEY
PROPS
    nohup java -Xmx384m -jar "$jar" --properties "$dir/s3proxy.properties" > "$dir/s3proxy.log" 2>&1 &
    echo $! > "$dir/pid"
    for _ in $(seq 1 600); do
      if curl -s -o /dev/null "$endpoint/"; then
        break
      fi
      if ! running; then
        echo "S3Proxy exited; see $dir/s3proxy.log" >&2
        exit 1
      fi
      sleep 0.1
    done
    # curl signs with SigV4 itself (S3 wants the payload hash header); 409: the bucket exists already.
    status="$(curl -s -o /dev/null -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$endpoint/$bucket")"
    if [[ "$status" != 200 && "$status" != 409 ]]; then
      echo "creating bucket $bucket answered $status; see $dir/s3proxy.log" >&2
      exit 1
    fi
    echo "S3Proxy at $endpoint with bucket $bucket. Next:"
    echo "  source $dir/env && scripts/backend.sh --store s3://$bucket/dev"
    ;;
  stop)
    if running; then
      pid="$(cat "$dir/pid")"
      kill "$pid"
      for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      echo "S3Proxy stopped; objects stay in $dir/buckets"
    else
      echo "S3Proxy is not running" >&2
    fi
    rm -f "$dir/pid"
    ;;
  *)
    echo "usage: scripts/s3proxy.sh start|stop" >&2
    exit 2
    ;;
esac
