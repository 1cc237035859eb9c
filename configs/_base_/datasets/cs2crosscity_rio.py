# Cityscapes -> Cross-City Rio: cs2crosscity_rome.py with another target
# city (the Cityscapes source, sizes, pipelines and loaders are the same).
_base_ = ['./cs2crosscity_rome.py']
city = 'Rio'
target_train_dataset = dict(city=city)
target_val_dataset = dict(city=city)
train_dataloader = dict(dataset=dict(target=dict(city=city)))
val_dataloader = dict(dataset=dict(city=city))
test_dataloader = val_dataloader
