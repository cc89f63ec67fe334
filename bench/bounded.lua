-- Runs bounded by a number of requests as well as by time, for the rows whose requests each
-- use up something (a device code to approve, an approved code to redeem, a grant to create).
--
-- wrk has no request limit, and a thread stopped while requests are in flight never sees
-- their answers, so nobody would know which codes were used. Instead every connection asks
-- delay() before each request: while the thread's quota lasts and its deadline has not passed
-- the answer is 0 ms, after that the connection is parked (an hour's delay). When the last
-- in-flight answer is in, the thread prints "DRAINED" and stops. bench/run waits for one
-- DRAINED line per thread and then interrupts wrk (SIGINT), so wrk's requests/s is taken over
-- the time the requests really took, and every request sent has been answered.
--
-- A script using this calls bounded.start(quota, seconds) in init(), returns bounded.delay()
-- from its delay() and calls bounded.answered() from its response(); one with a request()
-- that uses something up asks bounded.take() first (see there).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } bench_timeval;
int gettimeofday(bench_timeval *tv, void *tz);
]]
local timeval = ffi.new("bench_timeval")

local function now()
   ffi.C.gettimeofday(timeval, nil)
   return tonumber(timeval.tv_sec) + tonumber(timeval.tv_usec) / 1e6
end

local PARKED_MS = 3600 * 1000

local bounded = {}
local quota, deadline, sent, built, answered, drained = 0, 0, 0, 0, 0, false

-- quota: requests this thread may send; seconds: after this long it sends no more.
function bounded.start(thread_quota, seconds)
   quota, deadline = thread_quota, now() + seconds
   sent, built, answered, drained = 0, 0, 0, false
end

-- Whether the next request may go out; if so it is counted as sent, and the caller's
-- request() must then send it.
function bounded.delay()
   if sent < quota and now() < deadline then
      sent = sent + 1
      return 0
   end
   bounded.stop_when_drained()
   return PARKED_MS
end

-- Whether this request() call is for a request delay() let through. wrk also calls request()
-- once before the run, only to check that it parses; that call must not use up a code.
function bounded.take()
   if built < sent then
      built = built + 1
      return true
   end
   return false
end

function bounded.answered()
   answered = answered + 1
end

function bounded.stop_when_drained()
   if answered == sent and not drained then
      drained = true
      io.write("DRAINED\n")
      io.flush()
      wrk.thread:stop()
   end
end

function bounded.counts()
   return sent, answered
end

return bounded
