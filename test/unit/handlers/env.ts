/*
 * Imported first by handler tests: each handler module builds its dependencies from the environment when it loads.
 * Dummy region and credentials only; every AWS call in these tests goes to aws-sdk-client-mock, none to a network.
 */
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  TABLE_NAME: 'followup-test',
  STATE_MACHINE_ARN_TEMPLATE: 'arn:aws:states:us-east-1:123456789012:stateMachine:Followup-{cadence}:live',
  DEFAULT_TIME_ZONE: 'America/Chicago',
  SENDER_EMAIL: 'Sam at Northwind <sam@northwind.example>',
  CONFIGURATION_SET: 'followup-test',
  REPLY_DOMAIN: 'reply.northwind.example',
  UNSUBSCRIBE_BASE_URL: 'https://api.northwind.example/u/',
  UNSUBSCRIBE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:unsubscribe',
  BUSINESS_NAME: 'Northwind Supply',
  POSTAL_ADDRESS: '400 N Wells St, Chicago, IL 60654',
  OWNER_NAME: 'Sam Rivera',
  OWNER_EMAIL: 'sam@northwind.example',
  FREQUENCY_CAP: '3 per 7 days',
});
