"""The peer answers with the gateway's data: the same page of companies, country
enterprises, locations, first five people and their certifications, compared page by
page before anything is measured (`make bench` stops if they differ).

Usage: compare.py GATEWAY_URL PEER_URL IBM_TOKEN FIRST AFTER_ID...
Prints the peer's cursor prefix (for the load scripts) and the objects compared.
"""
import base64
import json
import sys
import urllib.request

GATEWAY, PEER, TOKEN, FIRST = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
AFTERS = [int(a) for a in sys.argv[5:]]

GQ = """query($after: String, $n: Int) { companies(first: $n, after: $after) { edges { node {
  name countryEnterprises { country locations { name
    people(first: 5) { edges { node { ibmId certifications { name } } } } } } } } } }"""
PQ = """query($after: Cursor, $n: Int) { allCompanies(first: $n, after: $after, orderBy: PRIMARY_KEY_ASC) {
  edges { node { name countryEnterprisesByCompanyId(orderBy: PRIMARY_KEY_ASC) { nodes { country
    locationsByCountryEnterpriseId(orderBy: PRIMARY_KEY_ASC) { nodes { name
      peopleByLocationId(first: 5, orderBy: PRIMARY_KEY_ASC) { nodes { ibmId
        certificationsByPersonId(orderBy: PRIMARY_KEY_ASC) { nodes { name } } } } } } } } } } } }"""


def post(url, query, variables, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    body = json.dumps({"query": query, "variables": variables}).encode()
    answer = json.loads(urllib.request.urlopen(urllib.request.Request(url, body, headers)).read())
    if answer.get("errors"):
        sys.exit(f"{url}: {answer['errors']}")
    return answer["data"]


# PostGraphile's cursors are base64 of [digest of the ordering, primary key].
first = post(PEER, "{ allCompanies(first: 1, orderBy: PRIMARY_KEY_ASC) { edges { cursor } } }", {})
PREFIX = json.loads(base64.b64decode(first["allCompanies"]["edges"][0]["cursor"]))[0]
# The gateway shows only certifications of skills in the points table (domain.md §1); the
# peer serves the table as it is, so its answer is held to that rule here.
SKILLS = {n["name"] for n in post(PEER, "{ allSkillPoints { nodes { name } } }", {})["allSkillPoints"]["nodes"]}


def gateway_cursor(i):
    return base64.urlsafe_b64encode(str(i).encode()).decode().rstrip("=") if i else None


def peer_cursor(i):
    return base64.b64encode(json.dumps([PREFIX, str(i)], separators=(",", ":")).encode()).decode() if i else None


def from_gateway(after):
    data = post(GATEWAY, GQ, {"after": gateway_cursor(after), "n": FIRST}, TOKEN)
    return [{"name": e["node"]["name"], "ces": [{"country": c["country"], "locations": [
        {"name": l["name"], "people": [
            {"ibmId": p["node"]["ibmId"], "certifications": [x["name"] for x in p["node"]["certifications"]]}
            for p in l["people"]["edges"]]}
        for l in c["locations"]]} for c in e["node"]["countryEnterprises"]]}
        for e in data["companies"]["edges"]]


def from_peer(after):
    data = post(PEER, PQ, {"after": peer_cursor(after), "n": FIRST})
    return [{"name": e["node"]["name"], "ces": [{"country": c["country"], "locations": [
        {"name": l["name"], "people": [
            {"ibmId": p["ibmId"], "certifications": [
                x["name"] for x in p["certificationsByPersonId"]["nodes"] if x["name"] in SKILLS]}
            for p in l["peopleByLocationId"]["nodes"]]}
        for l in c["locationsByCountryEnterpriseId"]["nodes"]]}
        for c in e["node"]["countryEnterprisesByCompanyId"]["nodes"]]}
        for e in data["allCompanies"]["edges"]]


def objects(page):
    return sum(1 + sum(1 + sum(1 + sum(1 + len(p["certifications"]) for p in l["people"])
                               for l in c["locations"]) for c in n["ces"]) for n in page)


compared = 0
for after in AFTERS:
    ours, theirs = from_gateway(after), from_peer(after)
    if ours != theirs or len(ours) != FIRST:
        for a, b in zip(ours, theirs):
            if a != b:
                sys.exit(f"after {after}: the peer's page differs\n gateway: {json.dumps(a)[:500]}\n peer:    {json.dumps(b)[:500]}")
        sys.exit(f"after {after}: {len(ours)} companies from the gateway, {len(theirs)} from the peer")
    compared += objects(ours)
print(PREFIX, compared)
