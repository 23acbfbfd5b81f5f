// @vitest-environment node
/** GET /openapi.json: generated from the route declarations, lists every route, and is a valid OpenAPI 3.1 document. */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { setup } from "../test.setup";
import { API_ROUTES } from "./routes";
import { apiUser, call } from "./test.helpers";

type Operation = {
  operationId: string;
  security: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: unknown;
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
};
type Document = {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

async function fetchDocument() {
  const t = setup();
  const res = await call(t, "GET", "/openapi.json");
  expect(res.status).toBe(200);
  return { t, doc: res.body as Document };
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document whose references all resolve", async () => {
    const { doc } = await fetchDocument();
    expect(doc.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(() => validator.resolveRefs()).not.toThrow();
    expect(doc.servers[0].url).toMatch(/\/api\/v1$/);
    // The validator does catch a broken document.
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    delete broken.info;
    (broken.paths as Record<string, Record<string, Record<string, unknown>>>)["/contacts"].get.responses = "none";
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("lists every route, and only those, with its parameters, body, security and error responses", async () => {
    const { doc } = await fetchDocument();
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    const operationIds = new Set<string>();
    for (const route of API_ROUTES) {
      const op = doc.paths[route.path][route.method.toLowerCase()];
      operationIds.add(op.operationId);
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters?.filter((p) => p.in === "path").map((p) => p.name) ?? []).toEqual(pathParams);
      expect(Boolean(op.requestBody)).toBe(route.body !== undefined || route.rawBody !== undefined);
      if (route.rawBody) {
        const content = (op.requestBody as { content: Record<string, unknown> }).content;
        expect(Object.keys(content)).toEqual(route.rawBody.contentTypes);
      }
      for (const status of Object.keys(route.responses)) expect(op.responses[status]).toBeDefined();
      for (const status of route.errors ?? []) expect(op.responses[String(status)]).toBeDefined();
      if (route.authenticated === false) {
        expect(op.security).toEqual([]);
      } else {
        expect(op.security).toEqual([{ apiKey: [] }]);
        for (const status of ["400", "401", "429"]) expect(op.responses[status], `${route.path} ${status}`).toBeDefined();
        expect(op.responses["429"].headers?.["Retry-After"]).toBeDefined();
      }
      if (route.body || route.rawBody) expect(op.responses["413"]).toBeDefined();
      if (route.idempotent) expect(op.parameters?.some((p) => p.in === "header" && p.name === "Idempotency-Key")).toBe(true);
    }
    expect(operationIds.size).toBe(API_ROUTES.length);
    for (const name of ["Contact", "Group", "Message", "Broadcast", "Analytics", "Error", "MessageCreate"]) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
  });

  it("describes routes the router really serves", async () => {
    const { t } = await fetchDocument();
    const owner = await apiUser(t);
    for (const route of API_ROUTES) {
      const path = route.path.replace(/\{\w+\}/g, "unknown-id");
      const res = await call(t, route.method, path, { key: owner.key, ...(route.body ? { body: {} } : {}) });
      // Whatever the answer (404 for the unknown id, 400 for the empty body), it comes from the route.
      expect(res.body?.error?.message ?? "", `${route.method} ${route.path}`).not.toMatch(/There is no endpoint/);
      expect(res.status).not.toBe(405);
    }
  });

  it("takes its request schemas from the same zod schemas the pipeline validates with", async () => {
    const { doc } = await fetchDocument();
    const messageCreate = doc.components.schemas.MessageCreate as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    const route = API_ROUTES.find((r) => r.method === "POST" && r.path === "/messages")!;
    const shape = (route.body as unknown as { def: { in?: { shape: object }; shape?: object } }).def;
    const keys = Object.keys(shape.shape ?? shape.in?.shape ?? {});
    expect(Object.keys(messageCreate.properties).sort()).toEqual(keys.sort());
    expect(messageCreate.additionalProperties).toBe(false);
  });
});
