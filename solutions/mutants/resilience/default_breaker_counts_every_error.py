"""Builds the default breaker with CircuitBreaker(), which counts a KeyError as an outage."""

from __future__ import annotations

import _reference
from _reference import *
from _reference import _Bulkhead, _check_count, _error, _ResilienceCollector


def create_app(
    fetch_item: Callable[[int], Any],
    checks: Mapping[str, Callable[[], object]] | None = None,
    *,
    cache: TTLCache | None = None,
    breaker: CircuitBreaker | None = None,
    max_concurrent: int = 10,
) -> Flask:
    bulkhead = _Bulkhead(_check_count("max_concurrent", max_concurrent))
    app = Flask(__name__)
    checks = dict(checks or {})
    # `is None`, not `cache or ...`: TTLCache has __len__, so a caller's empty cache is falsy.
    if cache is None:
        cache = TTLCache(maxsize=1024, ttl=60.0)
    if breaker is None:
        breaker = CircuitBreaker()
    # One registry per app: the global default registry would be shared by every app in the
    # process and refuse the second app's metrics as duplicates.
    registry = CollectorRegistry()
    requests_total = Counter("http_requests", "HTTP requests by route template and status.",
                             ["method", "route", "status"], registry=registry)
    registry.register(_ResilienceCollector(cache, breaker))

    @app.after_request
    def count(response: Response) -> Response:
        # The rule template, not the path: /items/1, /items/2... must not each become a series.
        route = request.url_rule.rule if request.url_rule else "unmatched"
        requests_total.labels(request.method, route, str(response.status_code)).inc()
        return response

    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> Any:
        try:
            # Only a load takes a slot: a cache hit, or a wait for another caller's load, never.
            value = cache.get_or_load(
                item_id, lambda key: bulkhead.call(breaker.call, fetch_item, key))
        except BulkheadFullError:
            response = _error(503, "too many requests to the dependency in flight")
            response.headers["Retry-After"] = "1"
            return response
        except CircuitOpenError as exc:
            response = _error(503, "dependency unavailable (circuit open)")
            response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
            return response
        except (ConnectionError, TimeoutError):
            return _error(503, "dependency unavailable")
        except KeyError:
            return _error(404, f"item {item_id} not found")
        return jsonify(id=item_id, item=value)

    @app.get("/health")
    def health() -> Any:
        # Liveness: "this process can answer". Checking dependencies here would make the
        # orchestrator restart every healthy instance whenever the database blips.
        return jsonify(status="ok")

    @app.get("/ready")
    def ready() -> Any:
        results = {}
        for name, check in checks.items():
            try:
                results[name] = "up" if check() else "down"
            except Exception:  # any failing check means "down"; its text may hold secrets
                results[name] = "down"
        ok = all(result == "up" for result in results.values())
        response = jsonify(status="ready" if ok else "unavailable", checks=results)
        response.status_code = 200 if ok else 503
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        # Start from the exception's own response: it carries the headers the status needs,
        # such as the Allow header that RFC 9110 requires on a 405.
        response = exc.get_response()
        response.data = json.dumps({"error": exc.description})
        response.content_type = "application/json"
        return response

    return app
