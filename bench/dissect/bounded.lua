-- wrk script for bench/dissect: an EXACT, bounded number of keep-alive
-- HTTP/1.1 transactions.
--
-- Usage (run.sh does this):
--   wrk -t C -c C -d MAXs -s bounded.lua http://HOST:PORT/ -- TOTAL C DONEDIR [MIX]
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
--   14           GET  /data.json  (~6 KB)                  200
--   otherwise    GET  /index.html (~600 B)                 200
--
-- MIX "segmented" (the capture on the 1500-MTU veth pair) makes requests and responses that a
-- real network cuts into several segments (one MSS is 1448 bytes): the same statuses, with
--   otherwise    GET /list.json (~3.1 KB) with a 2,000-    request in 2 segments,
--                character signed-URL query                response in 3
--   9, 19        a 1,500-character token query             request in 2 segments
--   4            a 4 KiB JSON body                         request in 3 segments
--   7            a 3 KB cookie                             request in 3 segments
--   2, 14        GET /data.json (~6 KB)                    response in 5 segments
-- MIX "small" (the default) is the table above, each message in one loopback segment.

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local limit, sent, received = 0, 0, 0
local donedir
local segmented = false
local reqs = {}

-- n characters of a URL-safe alphabet, the same every run: a stand-in for a signature or token.
local function filler(n)
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
  local out = {}
  for i = 0, n - 1 do
    local k = (i * 7) % 64 + 1
    out[#out + 1] = alphabet:sub(k, k)
  end
  return table.concat(out)
end

function init(args)
  local total = tonumber(args[1])
  local nthreads = tonumber(args[2])
  donedir = args[3]
  if total == nil or nthreads == nil or donedir == nil then
    error("bounded.lua: expected arguments TOTAL THREADS DONEDIR [MIX] after --")
  end
  local mix = args[4] or "small"
  if mix ~= "small" and mix ~= "segmented" then
    error("bounded.lua: MIX must be small or segmented, not " .. mix)
  end
  segmented = mix == "segmented"
  limit = math.floor(total / nthreads)
  if id < total % nthreads then
    limit = limit + 1
  end
  reqs.json = wrk.format("GET", "/data.json")
  if segmented then
    reqs.ok = wrk.format("GET", "/list.json?sig=" .. filler(2000))
    reqs.missing = wrk.format("GET", "/missing?token=" .. filler(1500))
    reqs.post = wrk.format("POST", "/index.html",
      { ["Content-Type"] = "application/json" }, '{"probe":true,"blob":"' .. filler(4096) .. '"}')
    reqs.cond = wrk.format("GET", "/index.html",
      { ["If-Modified-Since"] = "Fri, 01 Jan 2100 00:00:00 GMT", ["Cookie"] = "session=" .. filler(3000) })
  else
    reqs.ok = wrk.format("GET", "/index.html")
    reqs.missing = wrk.format("GET", "/missing")
    reqs.post = wrk.format("POST", "/index.html",
      { ["Content-Type"] = "application/json" }, '{"probe":true,"n":1}')
    reqs.cond = wrk.format("GET", "/index.html",
      { ["If-Modified-Since"] = "Fri, 01 Jan 2100 00:00:00 GMT" })
  end
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
  elseif k == 14 or (segmented and k == 2) then
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
