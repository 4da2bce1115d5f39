-- wrk script for bench/dissect: an EXACT, bounded number of keep-alive
-- HTTP/1.1 transactions.
--
-- Usage (run.sh does this):
--   wrk -t C -c C -d MAXs -s bounded.lua http://127.0.0.1:PORT/ -- TOTAL C DONEDIR
--
-- One connection per thread (-t == -c) is required for the count to be exact:
-- each thread gets its share of TOTAL and calls wrk.thread:stop() from the
-- response() callback of its last response. wrk does not pipeline, so at that
-- moment the thread's only connection has nothing in flight and no further
-- request is written (the writable event is registered after response() runs
-- and the stopped event loop never fires it). -d is the time bound.
--
-- wrk's main thread sleeps for the whole -d duration even when every worker
-- thread has stopped, so each thread also creates DONEDIR/thread-<id> when it
-- is done; run.sh waits for all of them and then sends wrk SIGINT, which ends
-- that sleep and makes wrk print its summary and exit.
--
-- The request mix is deterministic (by per-connection sequence number, period
-- 20) so that methods and statuses vary:
--   k = i % 20   request                                   expected status
--   9, 19        GET  /missing                             404
--   4            POST /index.html (small JSON body)        405 (static file)
--   7            GET  /index.html + If-Modified-Since 2100 304
--   14           GET  /data.json  (8 KiB)                  200
--   otherwise    GET  /index.html (~600 B)                 200

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local limit, sent, received = 0, 0, 0
local donedir
local reqs = {}

function init(args)
  local total = tonumber(args[1])
  local nthreads = tonumber(args[2])
  donedir = args[3]
  if total == nil or nthreads == nil or donedir == nil then
    error("bounded.lua: expected arguments TOTAL THREADS DONEDIR after --")
  end
  limit = math.floor(total / nthreads)
  if id < total % nthreads then
    limit = limit + 1
  end
  reqs.ok = wrk.format("GET", "/index.html")
  reqs.json = wrk.format("GET", "/data.json")
  reqs.missing = wrk.format("GET", "/missing")
  reqs.post = wrk.format("POST", "/index.html",
    { ["Content-Type"] = "application/json" }, '{"probe":true,"n":1}')
  reqs.cond = wrk.format("GET", "/index.html",
    { ["If-Modified-Since"] = "Fri, 01 Jan 2100 00:00:00 GMT" })
end

function request()
  local k = sent % 20
  sent = sent + 1
  if k == 9 or k == 19 then
    return reqs.missing
  elseif k == 4 then
    return reqs.post
  elseif k == 7 then
    return reqs.cond
  elseif k == 14 then
    return reqs.json
  end
  return reqs.ok
end

function response(status, headers, body)
  received = received + 1
  if received == limit then
    local f = assert(io.open(donedir .. "/thread-" .. id, "w"))
    f:write(received, "\n")
    f:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "wrk: completed=%d duration=%.3fs errors: connect=%d read=%d write=%d timeout=%d (status>399: %d, expected for 404/405)\n",
    summary.requests, summary.duration / 1e6,
    e.connect, e.read, e.write, e.timeout, e.status))
end
