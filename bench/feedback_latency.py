# Median latency of POST /api/v1/feedback (bench/inputs/essay1000.txt on a demo question),
# sequential on one keep-alive connection, after 5 warm-up requests. Usage: feedback_latency.py PORT N
import http.client, json, sys, time, statistics
port=int(sys.argv[1]); n=int(sys.argv[2])
essay=open(__import__('os').path.join(__import__('os').path.dirname(__file__), 'inputs', 'essay1000.txt')).read()
slug='aqa-2023-stalin-leadership-war-victory'
body=json.dumps({"question":slug,"text":essay})
c=http.client.HTTPConnection('127.0.0.1',port)
ts=[]
for i in range(n+5):
    t=time.perf_counter()
    c.request('POST','/api/v1/feedback',body,{'content-type':'application/json'})
    r=c.getresponse(); d=r.read()
    if r.status!=200: print(r.status,d[:200]); sys.exit(1)
    if i>=5: ts.append(time.perf_counter()-t)
ts.sort()
print(f"median {statistics.median(ts)*1000:.2f} ms  p90 {ts[int(len(ts)*0.9)]*1000:.2f} ms  n={len(ts)}")
