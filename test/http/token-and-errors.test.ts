import { AccessToken, decodeJwtPayload, jwtExpiry, serverMessages } from "../../src/client/http";
import { ScicatLoginError } from "../../src/errors";
import { everyRendering, nowSeconds, unsignedJwt } from "./helpers";

describe("AccessToken", () => {
  afterEach(() => jest.restoreAllMocks());

  test("reads exp from a JWT", () => {
    const exp = nowSeconds() + 3600;
    expect(jwtExpiry(unsignedJwt(exp))?.getTime()).toBe(exp * 1000);
    expect(decodeJwtPayload(unsignedJwt(exp))).toMatchObject({ username: "someone", exp });
  });

  test("a token that is not a JWT never expires", () => {
    const token = new AccessToken("fake-token");
    expect(token.expiresAt).toBeNull();
    expect(token.isExpired(Date.now() + 10 * 365 * 86_400_000)).toBe(false);
    expect(token.value()).toBe("fake-token");
    expect(decodeJwtPayload("a.b")).toBeNull();
    expect(decodeJwtPayload("not!base64.also not.x")).toBeNull();
  });

  test("expires 2 s before exp", () => {
    const exp = nowSeconds() + 60;
    const token = new AccessToken(unsignedJwt(exp));
    expect(token.isExpired(exp * 1000 - 2500)).toBe(false);
    expect(token.isExpired(exp * 1000 - 1500)).toBe(true);
  });

  test("refuses to hand out an expired token, with a message that says what to do", () => {
    const token = new AccessToken(unsignedJwt(nowSeconds() + 60));
    expect(token.value()).toContain(".");
    jest.spyOn(Date, "now").mockReturnValue((nowSeconds() + 120) * 1000);
    expect(() => token.value()).toThrow(ScicatLoginError);
    expect(() => token.value()).toThrow(/login has expired.*Client\.fromCredentials.*SciCat web interface/s);
  });

  test("never shows its value", () => {
    const secret = unsignedJwt(nowSeconds() + 60, { marker: "sekrit" });
    const token = new AccessToken(secret);
    const shown = everyRendering(token) + `${token}` + JSON.stringify({ token });
    expect(shown).not.toContain(secret);
    expect(token.scrub(`echo ${secret} echo`)).toBe("echo <HIDDEN> echo");
  });

  test("rejects empty tokens", () => {
    expect(() => new AccessToken("")).toThrow(TypeError);
  });
});

describe("serverMessages", () => {
  test("reads the validation pipe's list of messages", () => {
    const body = {
      message: ["property foo should not exist", "datasetName must be a string"],
      error: "Bad Request",
      statusCode: 400,
    };
    expect(serverMessages(body)).toEqual(["property foo should not exist", "datasetName must be a string"]);
  });

  test("reads a plain message", () => {
    expect(serverMessages({ message: "dataset: null not found", error: "Not Found", statusCode: 404 })).toEqual([
      "dataset: null not found",
    ]);
    expect(serverMessages({ status: 400, message: "Invalid dataset type!" })).toEqual(["Invalid dataset type!"]);
  });

  test("reads the v3 dataset controller's JSON-encoded validation errors, nested ones with their path", () => {
    const errors = [
      { property: "principalInvestigator", children: [], constraints: { isString: "principalInvestigator must be a string" } },
      {
        property: "techniques",
        children: [{ property: "0", children: [{ property: "name", children: [], constraints: { isString: "name must be a string" } }] }],
      },
    ];
    expect(serverMessages({ status: 400, message: JSON.stringify(errors) })).toEqual([
      "principalInvestigator must be a string",
      "techniques.0.name must be a string",
    ]);
  });

  test("reads the bare string of unexpected server errors", () => {
    expect(serverMessages("Internal server error")).toEqual(["Internal server error"]);
  });

  test("shortens HTML and says nothing for empty bodies", () => {
    const html = `<html><body><h1>502 Bad Gateway</h1>${"x".repeat(1000)}</body></html>`;
    const [message] = serverMessages(html);
    expect(message).toMatch(/^502 Bad Gateway x+…$/);
    expect((message as string).length).toBeLessThan(320);
    expect(serverMessages(null)).toEqual([]);
  });
});
