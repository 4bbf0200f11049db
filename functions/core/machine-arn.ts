/** Where a state machine ARN template (the Settings' stateMachineArnTemplate) takes the cadence id. */
export const CADENCE_PLACEHOLDER = '{cadence}';
