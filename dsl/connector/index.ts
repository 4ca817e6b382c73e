/**
 * connector: connector files (`*.connector.yaml`). Takes a connector file's text; gives its actions
 * (typed parameters and result, the HTTP request templates that carry each one out) and their
 * signatures for the checker, or diagnostics.
 */
export {
  MAX_CONNECTOR_FILE_CHARS,
  RESERVED_CONNECTOR_NAMES,
  connectorSignatures,
  connectorTypeToString,
  parseConnector,
  type BaseUrlSource,
  type BodyTemplate,
  type ConnectorAction,
  type ConnectorActionSignature,
  type ConnectorDecl,
  type ConnectorField,
  type ConnectorParam,
  type ConnectorParseResult,
  type ConnectorType,
  type HttpMethod,
  type NamedTemplate,
  type RequestTemplate,
  type Template,
  type TemplatePart,
} from './connector';
