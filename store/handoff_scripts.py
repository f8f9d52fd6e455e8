"""The handoff queue's Lua scripts: each change of a handoff's state as one atomic step.

Each script says the KEYS and ARGV it takes. Every one that changes state also appends the
event to the handoff log; enqueue, claim and close change the conversation's mode in the same
step (store/conversations.py owns that record and its fields).
"""

# KEYS: handoff, waiting, conversation, queue, log.
# ARGV: id, conversation, now, card, reason, queue's consumer group, queue's MAXLEN,
# the record's retention in seconds.
ENQUEUE = """
local position = redis.call('ZCARD', KEYS[2]) + 1
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'conversation_id', ARGV[2], 'state', 'queued',
  'reason', ARGV[5], 'card', ARGV[4], 'queued_at', ARGV[3], 'position', position)
redis.call('EXPIRE', KEYS[1], ARGV[8])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], 'mode', 'queued', 'handoff', ARGV[1])
redis.pcall('XGROUP', 'CREATE', KEYS[4], ARGV[6], '0', 'MKSTREAM')
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'handoff', ARGV[1], 'card', ARGV[4])
redis.call('XADD', KEYS[5], '*', 'handoff', ARGV[1], 'event', 'queued', 'at', ARGV[3],
  'conversation', ARGV[2], 'reason', ARGV[5], 'card', ARGV[4])
return position
"""

# KEYS: handoff, waiting, claimed, conversation, waits, log. ARGV: id, agent, now, samples.
CLAIM = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'queued' then
  return {0, state or '', redis.call('HGET', KEYS[1], 'agent') or ''}
end
local queued_at = tonumber(redis.call('HGET', KEYS[1], 'queued_at'))
local position = tonumber(redis.call('HGET', KEYS[1], 'position')) or 1
redis.call('HSET', KEYS[1], 'state', 'claimed', 'agent', ARGV[2], 'claimed_at', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], queued_at, ARGV[1])
redis.call('HSET', KEYS[4], 'mode', 'agent')
redis.call('LPUSH', KEYS[5], tostring((tonumber(ARGV[3]) - queued_at) / position))
redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[4]) - 1)
redis.call('XADD', KEYS[6], '*', 'handoff', ARGV[1], 'event', 'claimed', 'at', ARGV[3],
  'agent', ARGV[2], 'waited', tostring(tonumber(ARGV[3]) - queued_at))
return {1, 'claimed', ARGV[2]}
"""

# KEYS: handoff, log. ARGV: id, from, to, now.
TRANSFER = """
local state = redis.call('HGET', KEYS[1], 'state')
local agent = redis.call('HGET', KEYS[1], 'agent')
if state ~= 'claimed' or agent ~= ARGV[2] then
  return {0, state or '', agent or ''}
end
if ARGV[3] ~= ARGV[2] then
  redis.call('HSET', KEYS[1], 'agent', ARGV[3])
  redis.call('XADD', KEYS[2], '*', 'handoff', ARGV[1], 'event', 'transferred', 'at', ARGV[4],
    'from', ARGV[2], 'to', ARGV[3])
end
return {1, state, ARGV[3]}
"""

# KEYS: handoff. ARGV: agent, from state, to state. Moves between claimed and closing.
STEP = """
local state = redis.call('HGET', KEYS[1], 'state')
local agent = redis.call('HGET', KEYS[1], 'agent')
if agent ~= ARGV[1] or (state ~= ARGV[2] and state ~= ARGV[3]) then
  return {0, state or '', agent or ''}
end
redis.call('HSET', KEYS[1], 'state', ARGV[3])
return {1, ARGV[3], agent}
"""

# KEYS: handoff, claimed, conversation, log. ARGV: id, agent, now, outcome.
FINISH_CLOSE = """
local state = redis.call('HGET', KEYS[1], 'state')
local agent = redis.call('HGET', KEYS[1], 'agent')
if state ~= 'closing' or agent ~= ARGV[2] then
  return {0, state or '', agent or ''}
end
redis.call('HSET', KEYS[1], 'state', 'closed', 'closed_at', ARGV[3], 'outcome', ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], 'mode', 'bot')
redis.call('XADD', KEYS[4], '*', 'handoff', ARGV[1], 'event', 'closed', 'at', ARGV[3],
  'agent', ARGV[2], 'outcome', ARGV[4])
return {1, 'closed', agent}
"""

# KEYS: handoff, log. ARGV: id, rating, now. Only a closed handoff, and only once.
RATE = """
if redis.call('HGET', KEYS[1], 'state') ~= 'closed' then return 0 end
if redis.call('HSETNX', KEYS[1], 'rating', ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'rated_at', ARGV[3])
redis.call('XADD', KEYS[2], '*', 'handoff', ARGV[1], 'event', 'rated', 'at', ARGV[3],
  'rating', ARGV[2])
return 1
"""

# A supervisor gives any open handoff (queued or claimed) to an agent, or takes it.
# KEYS: handoff, waiting, claimed, conversation, log. ARGV: id, to, now, supervisor.
REASSIGN = """
local state = redis.call('HGET', KEYS[1], 'state')
local agent = redis.call('HGET', KEYS[1], 'agent') or ''
if state ~= 'queued' and state ~= 'claimed' then return {0, state or '', agent} end
local queued_at = redis.call('HGET', KEYS[1], 'queued_at')
redis.call('HSET', KEYS[1], 'state', 'claimed', 'agent', ARGV[2])
if state == 'queued' then
  redis.call('HSET', KEYS[1], 'claimed_at', ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZADD', KEYS[3], queued_at, ARGV[1])
  redis.call('HSET', KEYS[4], 'mode', 'agent')
end
redis.call('XADD', KEYS[5], '*', 'handoff', ARGV[1], 'event', 'reassigned', 'at', ARGV[3],
  'from', agent, 'to', ARGV[2], 'by', ARGV[4])
return {1, 'claimed', ARGV[2]}
"""

# A handoff gone quiet goes back to the bot, whoever held it.
# KEYS: handoff, waiting, claimed, conversation, log. ARGV: id, now, state it was seen in.
RETURN_TO_BOT = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'closed', 'closed_at', ARGV[2], 'outcome', 'returned')
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], 'mode', 'bot')
redis.call('XADD', KEYS[5], '*', 'handoff', ARGV[1], 'event', 'closed', 'at', ARGV[2],
  'agent', redis.call('HGET', KEYS[1], 'agent') or '', 'outcome', 'returned')
return 1
"""
