// In a browser there is no Node-API addon: the 'native' and 'cuda' backends are not registered
// at all, so the addon's loader (and its node: imports) never reach a browser bundle. The
// "#native-loader" import in package.json picks this file under the "browser" condition.
export {};
