/** The tool's name and version, as written into replay files and reports. */
export const TOOL_NAME = 'eclipse-sim';
export const TOOL_VERSION = '0.1.0';
