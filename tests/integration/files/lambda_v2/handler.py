def handler(event, context):
    return {"batchItemFailures": [], "version": 2}
