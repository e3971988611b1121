/**
 * The stscreds CDK app. Its configuration is the `stscreds` key of cdk.json's context
 * (override any of it with `-c stscreds='{…}'`); see src/config.ts and docs/deploy.md.
 */
import { App } from 'aws-cdk-lib';
import { buildStsCredsApp } from '../src/buildStsCredsApp.ts';
import { readInfraConfig } from '../src/readInfraConfig.ts';

const app = new App();
const raw: unknown = app.node.tryGetContext('stscreds');
// `-c stscreds=…` arrives as a string; cdk.json's context as an object.
const config = readInfraConfig(typeof raw === 'string' ? JSON.parse(raw) : raw, { baseDir: process.cwd() });
buildStsCredsApp(app, config);
