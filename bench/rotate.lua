-- wrk script: cycle through pre-generated requests until the run ends.
--
--   wrk ... --script bench/rotate.lua http://127.0.0.1:PORT -- REQUESTS_FILE THREADS
--
-- REQUESTS_FILE has one request per line, four tab-separated fields (as bench/replay.lua's):
--   METHOD  PATH  COOKIE-HEADER  BODY (urlencoded, may be empty)
-- Thread k of THREADS takes lines k, k + THREADS, k + 2 × THREADS… and sends them in turn, from
-- the first again after the last: many dossiers' pages, not one page over and over. At the end,
-- one line per status code answered: `status <code> <count>`.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
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
  if #queue == 0 then error("no request for thread " .. id .. " in " .. path) end
  position = 0
  counts = {}
end

function request()
  position = position % #queue + 1
  return queue[position]
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts") or {}) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("status %d %d\n", status, n))
  end
end
