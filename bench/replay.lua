-- wrk script: send pre-generated requests, each once or in turn until the run ends.
--
--   wrk ... --script bench/replay.lua http://127.0.0.1:PORT -- REQUESTS_FILE THREADS [MODE [SUCCESS [BODY]]]
--
-- REQUESTS_FILE has one request per line, four tab-separated fields:
--   METHOD  PATH  COOKIE-HEADER  BODY (urlencoded, may be empty)
-- Thread k of THREADS takes lines k, k + THREADS, k + 2 × THREADS… and sends them in order.
-- MODE "once" (the default): no request is sent twice; a thread that has sent all its lines
-- stops (the last request it returns is a GET of /healthz, counted apart). MODE "cycle": a
-- thread starts again from its first line after its last, until the run ends (many dossiers'
-- pages, not one page over and over).
-- At the end, one line per response kind is printed:
--   status <kind> <count>
-- where kind is the status code, or "302-success" for a redirect whose Location matches the Lua
-- pattern SUCCESS (intake: "/da%-nop/", the success page; "-" for none), or "<status>-<capture>"
-- when the Lua pattern BODY (one capture) matches the body (payments: the IPN's RspCode), then
--   sent <count>             lines of REQUESTS_FILE handed to wrk (sent, answered or not)
--   threads_exhausted <count>
-- wrk does not read the responses still in flight when the run ends (at most one per
-- connection), so the server may have handled a few more requests than were counted.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  cycle = args[3] == "cycle"
  success = args[4] ~= "-" and args[4] or nil
  body_pattern = args[5]
  queue = {}
  local line_no = 0
  for line in io.lines(path) do
    if line_no % nthreads == id then
      local method, target, cookie, body = line:match("^(%u+)\t(%S+)\t([^\t]*)\t(.*)$")
      local headers = {}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if method == "POST" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      end
      if body == "" then body = nil end
      table.insert(queue, wrk.format(method, target, headers, body))
    end
    line_no = line_no + 1
  end
  if cycle and #queue == 0 then error("no request for thread " .. id .. " in " .. path) end
  queued = #queue
  position = 0
  exhausted = 0
  counts = {}
end

function request()
  if cycle then
    position = position % #queue + 1
    return queue[position]
  end
  position = position + 1
  if position > #queue then
    exhausted = exhausted + 1
    wrk.thread:stop()
    return wrk.format("GET", "/healthz", {})
  end
  return queue[position]
end

function response(status, headers, body)
  local kind = tostring(status)
  if status == 302 and success then
    local location = headers["Location"] or headers["location"] or ""
    if location:find(success) then kind = "302-success" end
  end
  if body_pattern and body then
    local captured = body:match(body_pattern)
    if captured then kind = kind .. "-" .. captured end
  end
  counts[kind] = (counts[kind] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  local stopped, sent = 0, 0
  for _, thread in ipairs(threads) do
    sent = sent + math.min(thread:get("position") or 0, thread:get("queued") or 0)
    for kind, n in pairs(thread:get("counts") or {}) do
      total[kind] = (total[kind] or 0) + n
    end
    if (thread:get("exhausted") or 0) > 0 then stopped = stopped + 1 end
  end
  for kind, n in pairs(total) do
    io.write(string.format("status %s %d\n", kind, n))
  end
  io.write(string.format("sent %d\n", sent))
  io.write(string.format("threads_exhausted %d\n", stopped))
end
