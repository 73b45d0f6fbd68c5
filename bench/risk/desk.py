"""Crossings registered through the node's HTTP API (bench/risk.sh): each request links the
traveller, screens them and evaluates the risk profiles; prints the client's latency and the
node's own risk evaluation time (`risk_micros`), p50 and p99.

    python desk.py BASE_URL TOKEN COUNT
"""

import json
import sys
import time
import urllib.request


def main():
    base, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    latencies, risk = [], []
    for i in range(count):
        body = {
            "name": f"Bench Traveller {i:05d}",
            "birth_date": f"19{70 + i % 30}-0{1 + i % 9}-1{i % 9}",
            "nationality": ["ly", "tn", "er", "sy", "af"][i % 5],
            "document_number": f"BN{i:07d}",
            "issuing_state": "LBY",
            "point": "bcp-bench",
            "direction": "entry",
            "vehicle": f"BENCH {i % 40:03d}",
        }
        req = urllib.request.Request(
            f"{base}/api/v1/crossings",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        start = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            result = json.load(r)
        latencies.append((time.perf_counter() - start) * 1000)
        risk.append(result["risk_micros"] / 1000)
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
    # The first tenth warms the node up (caches, pages); the rest is measured.
    warm = count // 10
    lat, rsk = latencies[warm:], risk[warm:]
    print(f"desk_request_p50_ms={q(lat, 0.5):.2f}")
    print(f"desk_request_p99_ms={q(lat, 0.99):.2f}")
    print(f"desk_risk_p50_ms={q(rsk, 0.5):.3f}")
    print(f"desk_risk_p99_ms={q(rsk, 0.99):.3f}")


if __name__ == "__main__":
    main()
