"""Docker-free local runtime: reads template.yaml and runs its functions in-process against moto.

A development tool, never deployed. In AWS the real API Gateway, Lambda, DynamoDB and Step
Functions run the same handlers from the same template.
"""
