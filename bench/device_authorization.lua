-- POST /device_authorization as the benchmark's TV client; every device code received is
-- written to codes-<thread>.txt, the pool the polling run rotates over.
local counter = 0
local threads = {}

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   codes = io.open(os.getenv("BENCH_DIR") .. "/codes-" .. id .. ".txt", "w")
   wrk.method = "POST"
   wrk.body = "client_id=bench-tv&scope=openid"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   issued, other = 0, 0
end

function response(status, headers, body)
   local code = status == 200 and string.match(body, '"device_code":"([^"]+)"')
   if code then
      codes:write(code, "\n")
      issued = issued + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local issued_all, other_all = 0, 0
   for _, thread in ipairs(threads) do
      issued_all = issued_all + thread:get("issued")
      other_all = other_all + thread:get("other")
   end
   io.write(string.format("MIX issued=%d other=%d\n", issued_all, other_all))
end
